import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from 'socketkit';
import { RealtimeProvider, useRealtimeClient, useSocket } from 'socketkit/react';
import { socketsOf, useTestServer } from './helpers.js';

const env = useTestServer();

/** Renders the status and records every status it rendered, in order. */
function statusRecorder() {
  const seen: ConnectionStatus[] = [];
  function Status() {
    const { status, isConnected, userId, attempt } = useSocket();
    if (seen.at(-1) !== status) seen.push(status);
    return <p data-testid="status" data-connected={isConnected} data-user={userId ?? ''} data-attempt={attempt}>{status}</p>;
  }
  return { seen, Status };
}

describe('useSocket', () => {
  it('goes idle → connecting → connected and knows the user', async () => {
    const { seen, Status } = statusRecorder();
    render(<Status />, { wrapper: env.provider('alice') });
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('connected'));
    expect(seen).toEqual(['idle', 'connecting', 'connected']);
    expect(screen.getByTestId('status').dataset.user).toBe('alice');
    expect(screen.getByTestId('status').dataset.connected).toBe('true');
    expect(await socketsOf(env.server, 'alice')).toBe(1);
  });

  it('shows reconnecting when the server drops the connection, then connected again', async () => {
    const { seen, Status } = statusRecorder();
    render(<Status />, { wrapper: env.provider('alice') });
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('connected'));
    env.server.io.disconnectSockets(true);
    await waitFor(() => expect(seen).toContain('reconnecting'));
    await waitFor(() => expect(seen.at(-1)).toBe('connected'));
    expect(seen).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
    expect(screen.getByTestId('status').dataset.attempt).toBe('0');
  });

  it('ends in failed with the auth code for a bad token, and reconnect() recovers with a new token prop', async () => {
    const { seen, Status } = statusRecorder();
    const url = env.server.url;
    const view = render(
      <RealtimeProvider url={url} token="not-a-jwt">
        <Status />
      </RealtimeProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('failed'));
    expect(seen).toEqual(['idle', 'connecting', 'failed']);

    let socket!: ReturnType<typeof useSocket>;
    function Grab() {
      socket = useSocket();
      return null;
    }
    view.rerender(
      <RealtimeProvider url={url} token={env.server.token('bob')}>
        <Status />
        <Grab />
      </RealtimeProvider>,
    );
    expect(socket.error?.code).toBe('TOKEN_INVALID');
    act(() => socket.reconnect());
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('connected'));
    expect(screen.getByTestId('status').dataset.user).toBe('bob');
  });

  it('disconnect() and connect() drive the connection, with stable identities', async () => {
    const { result } = renderHook(() => useSocket(), { wrapper: env.provider('alice') });
    await waitFor(() => expect(result.current.status).toBe('connected'));
    const { connect, disconnect, reconnect } = result.current;
    act(() => result.current.disconnect());
    await waitFor(() => expect(result.current.status).toBe('disconnected'));
    await waitFor(async () => expect(await socketsOf(env.server, 'alice')).toBe(0));
    act(() => result.current.connect());
    await waitFor(() => expect(result.current.status).toBe('connected'));
    expect(result.current.connect).toBe(connect);
    expect(result.current.disconnect).toBe(disconnect);
    expect(result.current.reconnect).toBe(reconnect);
  });
});

describe('RealtimeProvider', () => {
  it('makes useRealtimeClient throw a clear error outside a provider', () => {
    const mute = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useRealtimeClient())).toThrow(/<RealtimeProvider>/);
    mute.mockRestore();
  });

  it('lets providers nest: hooks use the nearest one', async () => {
    const inner = env.client('bob');
    function Who({ id }: { id: string }) {
      const { userId } = useSocket();
      return <p data-testid={id}>{userId ?? 'none'}</p>;
    }
    const Outer = env.provider('alice');
    render(
      <Outer>
        <Who id="outer" />
        <RealtimeProvider client={inner}>
          <Who id="inner" />
        </RealtimeProvider>
      </Outer>,
    );
    await waitFor(() => expect(screen.getByTestId('outer').textContent).toBe('alice'));
    await waitFor(() => expect(screen.getByTestId('inner').textContent).toBe('bob'));
  });

  it('leaves a given client connected on unmount but destroys the one it owns', async () => {
    const given = env.client('bob');
    const Owned = env.provider('alice');
    const view = render(
      <Owned>
        <RealtimeProvider client={given}>
          <p>hi</p>
        </RealtimeProvider>
      </Owned>,
    );
    await waitFor(async () => expect(await socketsOf(env.server, 'alice')).toBe(1));
    await waitFor(() => expect(given.connection.getSnapshot().status).toBe('connected'));
    view.unmount();
    await waitFor(async () => expect(await socketsOf(env.server, 'alice')).toBe(0));
    expect(given.connection.getSnapshot().status).toBe('connected');
  });
});
