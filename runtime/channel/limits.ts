/**
 * The sizes and deadlines of channels. A service takes its limits from its service file's root
 * `connections` (services/service-config.ts holds their defaults); the two sizes are the protocol's own.
 */

/** The deadlines and caps of the channels a service takes. */
export interface ChannelLimits
{
    /** A channel without traffic this long is told to go away, and cut one period later if still idle. */
    channelIdleTimeout: number;
    /** A frame that began to come and is not complete this long after closes its channel. */
    channelFrameTimeout: number;
    /** Channels taken at once, and from one address (channel-admission.ts). */
    maxChannels: number;
    maxChannelsPerPeer: number;
}

/** Room for a request's method, path and headers in a frame, beside a body of the body limit. */
export const HEAD_ALLOWANCE = 64 * 1024;

/** Largest answer taken over a channel; V8's strings cannot be much longer anyway. */
export const MAX_ANSWER = 256 * 1024 * 1024;
