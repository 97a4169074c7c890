import type { ClientInspection, PresenceWatchInspection } from 'socketkit';

const presenceText = ({ presence }: PresenceWatchInspection) =>
  presence === null ? 'unknown' : `${presence.online ? 'online' : 'offline'}${presence.stale ? ' (stale)' : ''}`;

/** The outbox: each unconfirmed message with its status and failed attempts. */
function OutboxView({ outbox }: Pick<ClientInspection, 'outbox'>) {
  return (
    <section aria-label="Outbox">
      <h3>Outbox ({outbox.length})</h3>
      {outbox.length === 0 ? (
        <p className="sk-devtools-empty">Empty: every message was acked.</p>
      ) : (
        <table className="sk-devtools-table">
          <thead>
            <tr><th>message</th><th>conversation</th><th>status</th><th>failed attempts</th></tr>
          </thead>
          <tbody>
            {outbox.map((item) => (
              <tr key={item.clientMessageId} data-status={item.status}>
                <td title={item.clientMessageId}>{item.content}</td>
                <td>{item.conversationId}</td>
                <td>{item.status}{item.errorCode ? ` (${item.errorCode})` : ''}</td>
                <td>{item.failedAttempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Joined (and held) conversations with their seq cursors. */
function ConversationsView({ conversations }: Pick<ClientInspection, 'conversations'>) {
  return (
    <section aria-label="Conversations">
      <h3>Conversations ({conversations.length})</h3>
      {conversations.length === 0 ? (
        <p className="sk-devtools-empty">None held.</p>
      ) : (
        <table className="sk-devtools-table">
          <thead>
            <tr><th>id</th><th>status</th><th>joins</th><th>seq cursor</th><th>newest seq</th><th>messages</th><th>pending</th></tr>
          </thead>
          <tbody>
            {conversations.map((c) => (
              <tr key={c.conversationId} data-conversation={c.conversationId}>
                <td>{c.conversationId}</td>
                <td>{c.status}</td>
                <td>{c.joins}</td>
                <td>{c.contiguousSeq}</td>
                <td>{c.newestSeq}</td>
                <td>{c.messages}</td>
                <td>{c.pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Watched users: watchers, whether the server has the subscription, what is known. */
function PresenceView({ presence }: Pick<ClientInspection, 'presence'>) {
  return (
    <section aria-label="Watched presence">
      <h3>Watched presence ({presence.length})</h3>
      {presence.length === 0 ? (
        <p className="sk-devtools-empty">Nobody watched.</p>
      ) : (
        <table className="sk-devtools-table">
          <thead>
            <tr><th>user</th><th>watchers</th><th>subscribed</th><th>presence</th></tr>
          </thead>
          <tbody>
            {presence.map((watch) => (
              <tr key={watch.userId} data-user={watch.userId}>
                <td>{watch.userId}</td>
                <td>{watch.watchers}</td>
                <td>{watch.subscribed ? 'yes' : 'no'}</td>
                <td>{presenceText(watch)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** What the client holds (`inspectClient`); a production build keeps none of it. */
export function ClientState({ inspection }: { inspection: ClientInspection | null }) {
  if (inspection === null) {
    return <p className="sk-devtools-empty">Outbox, conversations and presence watches are shown in development builds only.</p>;
  }
  return (
    <>
      <OutboxView outbox={inspection.outbox} />
      <ConversationsView conversations={inspection.conversations} />
      <PresenceView presence={inspection.presence} />
    </>
  );
}
