import type { ValueCodec } from '../rpc/rpc-handler.js';
import { deserialize, serialize, type ClassResolver } from './serializer.js';

/** The serialized encoding over one process's registered classes, as the RPC sides take it. */
export function codecOf(resolver: ClassResolver): ValueCodec
{
    return { serialize: (value, classForm) => serialize(value, resolver, { classForm }), deserialize: value => deserialize(value, resolver) };
}
