import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of a process (prom-client), in a registry of its own rather than prom-client's
 * global one, so that an app's own metrics and several services in one process stay apart.
 *
 * Per procedure and version: calls, failed calls by status, and the time to the answer. A gateway counts
 * the same for the calls it forwards, and per worker what each worker answered. Label values come only
 * from names the process serves or routes (an unknown procedure or version is counted with empty
 * labels): a caller that makes names up must not be able to grow the series without bound.
 */
export class ServiceMetrics
{
    readonly registry = new Registry();
    readonly #calls: Counter<'procedure' | 'version'>;
    readonly #errors: Counter<'procedure' | 'version' | 'status'>;
    readonly #duration: Histogram<'procedure' | 'version'>;
    #workerCalls: Counter<'worker' | 'procedure'> | undefined;
    #workerErrors: Counter<'worker' | 'procedure' | 'status'> | undefined;
    #workerDuration: Histogram<'worker' | 'procedure'> | undefined;

    constructor()
    {
        const registers = [this.registry];
        this.#calls = new Counter({ name: 'jitar_rpc_calls_total', help: 'RPC calls answered, by procedure and version', labelNames: ['procedure', 'version'], registers });
        this.#errors = new Counter({ name: 'jitar_rpc_errors_total', help: 'RPC calls answered with a status of 400 or more, by procedure, version and status', labelNames: ['procedure', 'version', 'status'], registers });
        this.#duration = new Histogram({ name: 'jitar_rpc_duration_seconds', help: 'Time from an RPC request to its answer, by procedure and version', labelNames: ['procedure', 'version'], registers });
        collectDefaultMetrics({ register: this.registry });
    }

    /** One RPC call answered with `status` after `seconds`. */
    call(procedure: string, version: string, status: number, seconds: number): void
    {
        this.#calls.labels(procedure, version).inc();
        this.#duration.labels(procedure, version).observe(seconds);
        if (status >= 400) this.#errors.labels(procedure, version, String(status)).inc();
    }

    /** One request a gateway sent to `worker`, answered with `status` (or failed with it) after `seconds`. */
    workerCall(worker: string, procedure: string, status: number, seconds: number): void
    {
        const registers = [this.registry];
        this.#workerCalls ??= new Counter({ name: 'jitar_worker_calls_total', help: 'RPC requests a gateway forwarded, by worker and procedure', labelNames: ['worker', 'procedure'], registers });
        this.#workerErrors ??= new Counter({ name: 'jitar_worker_errors_total', help: 'Forwarded RPC requests that failed or were answered with a status of 400 or more, by worker, procedure and status', labelNames: ['worker', 'procedure', 'status'], registers });
        this.#workerDuration ??= new Histogram({ name: 'jitar_worker_call_duration_seconds', help: 'Time a worker took to answer a forwarded RPC request, by worker and procedure', labelNames: ['worker', 'procedure'], registers });
        this.#workerCalls.labels(worker, procedure).inc();
        this.#workerDuration.labels(worker, procedure).observe(seconds);
        if (status >= 400) this.#workerErrors.labels(worker, procedure, String(status)).inc();
    }

    /** The metrics in Prometheus's text format, and its content type. */
    async text(): Promise<{ contentType: string; body: string }>
    {
        return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    }
}
