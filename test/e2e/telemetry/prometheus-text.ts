/**
 * Reads Prometheus's text exposition format (version 0.0.4) into samples, strictly: a line that is not a
 * comment, blank or a well-formed sample fails the test that reads it, so that a malformed /metrics
 * cannot pass for an empty one.
 */
export interface Sample
{
    name: string;
    labels: Record<string, string>;
    value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheus(text: string): Sample[]
{
    const samples: Sample[] = [];
    text.split('\n').forEach((line, index) =>
    {
        if (line.trim() === '' || line.startsWith('#')) return;
        samples.push(parseSample(line, index + 1));
    });
    return samples;
}

function parseSample(line: string, number: number): Sample
{
    const fail = (reason: string): never => { throw new Error(`metrics line ${number} (${JSON.stringify(line)}): ${reason}`); };
    const name = NAME.exec(line)?.[0] ?? fail('no metric name');
    let at = name.length;
    const labels: Record<string, string> = {};
    if (line[at] === '{')
    {
        at++;
        while (line[at] !== '}')
        {
            const labelName = LABEL_NAME.exec(line.slice(at))?.[0] ?? fail(`no label name at column ${at + 1}`);
            at += labelName.length;
            if (line.slice(at, at + 2) !== '="') fail(`expected =" after label ${labelName}`);
            at += 2;
            let value = '';
            for (;;)
            {
                const char = line[at] ?? fail(`unterminated value of label ${labelName}`);
                at++;
                if (char === '"') break;
                if (char === '\\')
                {
                    const escaped = line[at++];
                    value += escaped === 'n' ? '\n' : escaped === '\\' ? '\\' : escaped === '"' ? '"' : fail(`invalid escape \\${escaped}`);
                }
                else value += char;
            }
            labels[labelName] = value;
            if (line[at] === ',') at++;
            else if (line[at] !== '}') fail(`expected , or } after label ${labelName}`);
        }
        at++;
    }
    if (line[at] !== ' ') fail('expected a space before the value');
    const [valueText, timestamp, ...rest] = line.slice(at + 1).trim().split(/\s+/);
    if (rest.length > 0 || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) fail('unexpected text after the value');
    // Prometheus reads values with Go's ParseFloat, which takes Inf and NaN in any case (prom-client writes `Nan`).
    const special = valueText.toLowerCase();
    const value = special === '+inf' || special === 'inf' ? Infinity : special === '-inf' ? -Infinity : special === 'nan' ? NaN : Number(valueText);
    if (Number.isNaN(value) && special !== 'nan') fail(`invalid value ${valueText}`);
    return { name, labels, value };
}

/** The value of the one sample of `name` with exactly these labels; undefined when there is none. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined
{
    const wanted = Object.entries(labels);
    const found = samples.filter(sample => sample.name === name && Object.keys(sample.labels).length === wanted.length && wanted.every(([key, value]) => sample.labels[key] === value));
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} with labels ${JSON.stringify(labels)}`);
    return found[0]?.value;
}
