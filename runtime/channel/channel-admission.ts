/**
 * Which channels a service takes: at most `maxChannels` at once, and `maxChannelsPerPeer` of them from
 * one address. Channels are opened before any request (and so any trust key) is seen: without caps, a
 * peer could open channels until the memory their unfinished frames hold runs out.
 */
export class ChannelAdmission
{
    readonly #perPeer = new Map<string, number>();
    readonly #maxChannels: number;
    readonly #maxChannelsPerPeer: number;
    #total = 0;

    constructor(limits: { maxChannels: number; maxChannelsPerPeer: number })
    {
        this.#maxChannels = limits.maxChannels;
        this.#maxChannelsPerPeer = limits.maxChannelsPerPeer;
    }

    /** Channels taken now. */
    get size(): number
    {
        return this.#total;
    }

    /** Addresses with a channel now (the table is no larger than this). */
    get peers(): number
    {
        return this.#perPeer.size;
    }

    /** Takes a place for a channel from `peer`; undefined when taken, else why not (for the refusal). */
    admit(peer: string): string | undefined
    {
        if (this.#total >= this.#maxChannels) return `Too many channels: this service takes ${this.#maxChannels} at once; send over HTTP`;
        const count = this.#perPeer.get(peer) ?? 0;
        if (count >= this.#maxChannelsPerPeer) return `Too many channels from ${peer}: this service takes ${this.#maxChannelsPerPeer} from one address; send over HTTP`;
        this.#perPeer.set(peer, count + 1);
        this.#total++;
        return undefined;
    }

    /** Gives back the place of a channel of `peer` that closed. */
    release(peer: string): void
    {
        const count = this.#perPeer.get(peer);
        if (count === undefined) return;
        if (count <= 1) this.#perPeer.delete(peer);
        else this.#perPeer.set(peer, count - 1);
        this.#total--;
    }
}
