/**
 * Avatar (issue 11: initials when the image fails) and the AvatarStack look
 * (issue 10: a deterministic per-user colour from a palette that passes
 * WCAG AA contrast in the light and the dark theme).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Avatar, AVATAR_COLOR_COUNT, avatarColorIndex, SocketkitUIProvider } from 'socketkit/ui';

afterEach(cleanup);

describe('Avatar', () => {
  it('shows the image, then the initials when the image fails; a new URL is tried again', () => {
    const users = { alice: { name: 'Alice Martin', avatarUrl: '/missing.png' } };
    const { rerender } = render(
      <SocketkitUIProvider users={users}>
        <Avatar userId="alice" />
      </SocketkitUIProvider>,
    );
    const avatar = screen.getByRole('img', { name: 'Alice Martin' });
    const img = avatar.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('/missing.png');
    fireEvent.error(img);
    expect(avatar.querySelector('img')).toBeNull();
    expect(avatar.textContent).toBe('AM');
    rerender(
      <SocketkitUIProvider users={{ alice: { name: 'Alice Martin', avatarUrl: '/alice.png' } }}>
        <Avatar userId="alice" />
      </SocketkitUIProvider>,
    );
    expect(avatar.querySelector('img')!.getAttribute('src')).toBe('/alice.png');
  });

  it('gives each user one palette colour, the same on every render', () => {
    const ids = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    render(
      <>
        {ids.map((id) => (
          <Avatar key={id} userId={id} />
        ))}
      </>,
    );
    const colours = screen.getAllByRole('img').map((el) => Number(el.getAttribute('data-color')));
    expect(colours).toEqual(ids.map(avatarColorIndex));
    expect(colours.every((c) => Number.isInteger(c) && c >= 0 && c < AVATAR_COLOR_COUNT)).toBe(true);
    // Not everyone the same colour (the seed's six users get at least four colours).
    expect(new Set(colours).size).toBeGreaterThanOrEqual(4);
    expect(avatarColorIndex('alice')).toBe(avatarColorIndex('alice'));
  });

  it('every palette colour has at least 4.5:1 contrast with the initials, in light and dark', () => {
    const css = readFileSync(resolve(__dirname, '../../src/ui/styles.css'), 'utf8');
    const block = (selector: string) => css.slice(css.indexOf(selector), css.indexOf('}', css.indexOf(selector)));
    for (const theme of [':where(:root, [data-theme="light"])', ':where([data-theme="dark"])']) {
      const tokens = block(theme);
      const token = (name: string) => new RegExp(`${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(tokens)?.[1];
      const fg = token('--sk-avatar-fg');
      expect(fg, theme).toBeDefined();
      for (let i = 0; i < AVATAR_COLOR_COUNT; i++) {
        const bg = token(`--sk-avatar-${i}`);
        expect(bg, `${theme} --sk-avatar-${i}`).toBeDefined();
        expect(contrast(bg!, fg!), `${theme} --sk-avatar-${i} ${bg} on ${fg}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

/** WCAG 2.x contrast ratio of two #rrggbb colours (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio). */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
