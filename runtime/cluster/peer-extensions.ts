/**
 * What a worker and a gateway of ours say to each other beyond the reference runtime's worker API, and
 * how each learns that the other understands it. The reference's gateway refuses a registration with a
 * field it does not know (400 `Unknown field '<name>'`), and its worker refuses a registration answer
 * that holds more than `{id}`: so each side sends its extras only to a peer that announced it reads them.
 *
 * - A worker of ours sends `x-jitar-extensions: routes` on every request to its gateway: the answers may
 *   hold the routing table. Only then does a gateway of ours add `routes` to them.
 * - A worker of ours registers with its versions and state; a gateway that answers 400 naming an unknown
 *   field is a reference one, and gets the registration again with only the reference's fields.
 */
export const EXTENSIONS_HEADER = 'x-jitar-extensions';

/** The extension a worker announces: it reads `routes` in registration and report answers. */
export const ROUTES_EXTENSION = 'routes';

/** Whether a request's `x-jitar-extensions` header (a comma-separated list) announces `extension`. */
export function announces(header: string | string[] | undefined, extension: string): boolean
{
    const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
    return values.some(value => value.split(',').some(item => item.trim().toLowerCase() === extension));
}

/** Whether a refused registration is the reference gateway's refusal of our extra fields. */
export function refusesExtraFields(status: number, body: string): boolean
{
    return status === 400 && body.includes('Unknown field');
}
