import { describe, expect, it } from '@jest/globals';

import { ANSWER, encodeFrame, FrameReader, ProtocolError, REQUEST, type Frame } from '../../runtime/channel/frames.js';

function reader(maxLength = 1024): { frames: Frame[]; tooLarge: [number, number][]; reader: FrameReader }
{
    const frames: Frame[] = [];
    const tooLarge: [number, number][] = [];
    return { frames, tooLarge, reader: new FrameReader(maxLength, frame => frames.push(frame), (kind, id) => tooLarge.push([kind, id])) };
}

const simple = (frame: Frame): [number, number, string[], string] => [frame.kind, frame.id, frame.head, frame.body.toString('utf8')];

describe('channel frames', () =>
{
    const frames = [
        encodeFrame(REQUEST, 1, ['GET', '/rpc/a?x=1', 'authorization', 'Bearer ünïcode'], undefined),
        encodeFrame(ANSWER, 2, ['200', 'content-type', 'text/plain'], 'Hello, wörld!'),
        encodeFrame(REQUEST, 0xffff_ffff, ['POST', '/rpc/b'], Buffer.from('{"a":1}'))
    ];
    const expected = [
        [REQUEST, 1, ['GET', '/rpc/a?x=1', 'authorization', 'Bearer ünïcode'], ''],
        [ANSWER, 2, ['200', 'content-type', 'text/plain'], 'Hello, wörld!'],
        [REQUEST, 0xffff_ffff, ['POST', '/rpc/b'], '{"a":1}']
    ];
    const stream = Buffer.concat(frames);

    it('reads frames that arrive together in one chunk', () =>
    {
        const { frames: read, reader: frameReader } = reader();
        frameReader.push(stream);
        expect(read.map(simple)).toEqual(expected);
    });

    it('reads frames cut at any byte', () =>
    {
        for (let cut = 1; cut < stream.length; cut++)
        {
            const { frames: read, reader: frameReader } = reader();
            frameReader.push(stream.subarray(0, cut));
            frameReader.push(stream.subarray(cut));
            expect(read.map(simple)).toEqual(expected);
        }
    });

    it('reads frames that arrive a byte at a time', () =>
    {
        const { frames: read, reader: frameReader } = reader();
        for (let index = 0; index < stream.length; index++) frameReader.push(stream.subarray(index, index + 1));
        expect(read.map(simple)).toEqual(expected);
    });

    it('skips a frame longer than the limit, reports it by kind and id, and reads on', () =>
    {
        const big = encodeFrame(REQUEST, 7, ['POST', '/rpc/big'], Buffer.alloc(5000, 'x'));
        const after = encodeFrame(REQUEST, 8, ['GET', '/rpc/next'], undefined);
        const all = Buffer.concat([big, after]);
        for (const cut of [5, 100, 4000, big.length, big.length + 3])
        {
            const { frames: read, tooLarge, reader: frameReader } = reader(1024);
            frameReader.push(all.subarray(0, cut));
            frameReader.push(all.subarray(cut));
            expect([tooLarge, read.map(frame => frame.id)]).toEqual([[[REQUEST, 7]], [8]]);
        }
    });

    it('refuses a head that is not a JSON array of strings', () =>
    {
        const bad = (head: string): Buffer =>
        {
            const frame = Buffer.alloc(13 + head.length);
            frame.writeUInt32BE(frame.length - 4, 0);
            frame[4] = REQUEST;
            frame.writeUInt32BE(1, 5);
            frame.writeUInt32BE(head.length, 9);
            frame.write(head, 13);
            return frame;
        };
        for (const head of ['{"not":"json"', '{"a":1}', '["GET",1]'])
        {
            expect(() => reader().reader.push(bad(head))).toThrow(ProtocolError);
        }
        const lying = bad('[]');
        lying.writeUInt32BE(1000, 9);
        expect(() => reader().reader.push(lying)).toThrow('Frame head longer than its frame');
    });
});
