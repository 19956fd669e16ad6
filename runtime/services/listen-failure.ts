import { ServiceConfigError, type ServiceCommon } from './service-config.js';

type Address = Pick<ServiceCommon, 'url' | 'host' | 'port'>;

/**
 * Why a service cannot listen where its `url` says, as one line naming the file and what to change;
 * undefined for a failure that is not about the address (which then keeps its own message).
 */
export function listenFailure(error: unknown, file: string, address: Address): ServiceConfigError | undefined
{
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    const reason = code === undefined ? undefined : reasonFor(code, address);
    return reason === undefined ? undefined : new ServiceConfigError(file, 'url', `${file}: ${reason}`, { cause: error });
}

function reasonFor(code: string, { url, host, port }: Address): string | undefined
{
    switch (code)
    {
        case 'EADDRINUSE':
            return `port ${port} of ${url} is in use by another process; stop it or change 'url'`;
        case 'EACCES':
            return `port ${port} of ${url} may not be listened on by this user${port < 1024 ? ' (ports below 1024 need administrator rights)' : ''}; use a port from 1024 up in 'url'`;
        case 'EADDRNOTAVAIL':
            return `host ${host} of ${url} is not an address of this machine, so nothing can listen on it; change 'url' (127.0.0.1 is this machine)`;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return `host ${host} of ${url} cannot be resolved to an address; change 'url'`;
        default:
            return undefined;
    }
}
