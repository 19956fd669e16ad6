import type { ClassResolver } from './class-resolver.js';
import { deserialize } from './deserializer.js';
import type { ClassForm } from './encoding.js';
import { serialize } from './serializer.js';

/** Turns values into their serialized form and back, as the RPC sides (handler, callers, client) take it. */
export interface ValueCodec
{
    serialize(value: unknown, classForm?: ClassForm): unknown;
    deserialize(value: unknown): unknown;
}

/** The serialized encoding over one process's registered classes, as the RPC sides take it. */
export function codecOf(resolver: ClassResolver): ValueCodec
{
    return { serialize: (value, classForm) => serialize(value, resolver, { classForm }), deserialize: value => deserialize(value, resolver) };
}
