/**
 * What a generated segment entry module exports by default: the implementations that a process holding
 * the segment serves. jitar-compile writes these modules; the runtime imports them.
 */
export interface SegmentModule
{
    name: string;
    procedures: { fqn: string; version: string; implementation: (...args: never[]) => unknown }[];
    classes: { key: string; implementation: abstract new (...args: never[]) => unknown }[];
}
