import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

import { describe, expect, it } from '@jest/globals';

import { headersOf } from '../../runtime/transport/raw-headers.js';

describe('headers of a request that came over a channel', () =>
{
    it('are what Node makes of the same raw headers', async () =>
    {
        const raw = 'GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer first\r\nAuthorization: Bearer second\r\nAccept: text/plain\r\naccept: application/json\r\n'
            + 'Cookie: a=1\r\ncookie: b=2\r\nX-Custom: one\r\nx-custom: two\r\nUser-Agent: ua1\r\nUser-Agent: ua2\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n';
        const seen = await new Promise<{ headers: IncomingHttpHeaders; rawHeaders: string[] }>((resolve, reject) =>
        {
            const server = createServer((request, response) =>
            {
                response.end();
                server.close();
                resolve({ headers: request.headers, rawHeaders: request.rawHeaders });
            });
            server.listen(0, '127.0.0.1', () =>
            {
                const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.end(raw));
                socket.on('error', reject);
                socket.resume();
            });
        });
        expect(headersOf(seen.rawHeaders)).toEqual({ ...seen.headers });
    });
});
