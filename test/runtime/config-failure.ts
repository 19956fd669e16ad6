import { ServiceConfigError } from '../../runtime/services/service-config.js';

/** The message of the ServiceConfigError that `load` throws; any other error goes on, and a load that succeeds fails. */
export function configFailure(load: () => unknown): string
{
    try
    {
        load();
    }
    catch (error)
    {
        if (error instanceof ServiceConfigError) return error.message;
        throw error;
    }
    throw new Error('the service file loaded without an error');
}
