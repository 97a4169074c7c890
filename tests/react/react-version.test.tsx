/**
 * The `react` project runs the hook suites on React 19 and `react18` runs
 * the same files on React 18.3: this checks each really got the React it
 * claims, renderer included.
 */
import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createRealtimeClient } from 'socketkit';
import { RealtimeProvider, useSocket } from 'socketkit/react';

describe('React version of this project', () => {
  it('is the one the project is configured for, for react and react-dom', () => {
    const major = process.env.EXPECT_REACT_MAJOR;
    expect(major).toMatch(/^(18|19)$/);
    expect(version.split('.')[0]).toBe(major);
    expect(domVersion.split('.')[0]).toBe(major);
  });

  it('renders the hooks with that renderer', () => {
    const client = createRealtimeClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    const { result } = renderHook(() => useSocket(), {
      wrapper: ({ children }) => <RealtimeProvider client={client}>{children}</RealtimeProvider>,
    });
    expect(result.current.status).toBe('idle');
    client.destroy();
  });
});
