// The HTTP/2 rows of bench/cluster/run.mjs (issue 14, item 3): jitar's channels against HTTP/2 between a
// forwarding front and a back end, in the mirror harness of transport-mirror.mjs (the real worker speaks
// no HTTP/2), and the decision the issue asks for: replace the channels if HTTP/2 reaches 90% of their
// requests per second with a p99 no worse than 1.2x, keep them otherwise.

import { join } from 'node:path';

export const HTTP2_RPS_SHARE = 0.9;
export const HTTP2_P99_FACTOR = 1.2;

const CHANNEL = 'mirror: front → back, channel';
const HTTP2 = 'mirror: front → back, HTTP/2 (h2c)';

/** Starts the mirror's back end and one front per transport; returns the targets to measure beside the others. */
export async function startTransportRows({ startServer, freePort, here, nodeFlags, target }) {
  const script = join(here, 'transport-mirror.mjs');
  const h2Port = await freePort();
  const back = await startServer('mirror back (channels + h2c)', [...nodeFlags, script, 'back'], here, await freePort(), { H2_PORT: String(h2Port) });
  const channelFront = await startServer('mirror front (channel)', [...nodeFlags, script, 'front'], here, await freePort(), { TARGET: back.url, TRANSPORT: 'channel' });
  const http2Front = await startServer('mirror front (HTTP/2)', [...nodeFlags, script, 'front'], here, await freePort(), { TARGET: `http://127.0.0.1:${h2Port}`, TRANSPORT: 'http2' });
  return [
    target(CHANNEL, [channelFront, back], `${channelFront.url}/rpc/domain/sayHello?name=John`),
    target(HTTP2, [http2Front, back], `${http2Front.url}/rpc/domain/sayHello?name=John`),
  ];
}

/** The decision, from the medians of the two mirror rows. */
export function transportDecision(summary) {
  const channel = summary.find((row) => row.label === CHANNEL);
  const h2 = summary.find((row) => row.label === HTTP2);
  if (channel === undefined || h2 === undefined) return undefined;
  const share = h2.rps / channel.rps;
  const p99 = h2.p99 / channel.p99;
  const replace = share >= HTTP2_RPS_SHARE && p99 <= HTTP2_P99_FACTOR;
  return {
    share, p99, replace,
    text: `HTTP/2 against the channels (same forwarding front and back end, transport-mirror.mjs): ${(share * 100).toFixed(0)}% of their requests per second `
      + `(criterion: at least ${HTTP2_RPS_SHARE * 100}%), p99 ${p99.toFixed(2)}x theirs (criterion: at most ${HTTP2_P99_FACTOR}x): `
      + (replace ? 'HTTP/2 QUALIFIES — the channels should be replaced by it (not done here: a structural change of its own).' : 'the channels are KEPT.'),
  };
}
