/**
 * The head of an answer frame as another process sent it: a status and headers that a server could pass
 * on to its own client. Node's `writeHead` throws on what HTTP cannot carry, so an answer from a faulty
 * or hostile peer is checked here, where it arrives, and refused as that call's failure.
 */

/** An HTTP token (RFC 9110), as a header name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node refuses in a header value: control characters other than tab (CR and LF among them). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export interface AnswerHead
{
    status: number;
    headers: Record<string, string>;
}

/** The status and headers of an answer frame's head, or a sentence saying what is wrong with them. */
export function readAnswerHead(head: readonly string[]): AnswerHead | string
{
    const status = head[0];
    if (status === undefined || !/^[1-5]\d\d$/.test(status) || Number(status) < 200) return `status ${JSON.stringify(status?.slice(0, 16) ?? null)} is not an HTTP status of a final answer`;
    if (head.length % 2 === 0) return 'its headers are not pairs of name and value';
    const headers: Record<string, string> = {};
    for (let index = 1; index < head.length; index += 2)
    {
        const name = head[index];
        if (!TOKEN.test(name)) return `header name ${JSON.stringify(name.slice(0, 64))} is not a valid HTTP header name`;
        if (INVALID_VALUE.test(head[index + 1])) return `the value of header '${name.slice(0, 64)}' holds characters HTTP cannot carry (such as CR or LF)`;
        headers[name.toLowerCase()] = head[index + 1];
    }
    return { status: Number(status), headers };
}
