/** `json`: one JSON object per line, for pipes, files and log collectors; `pretty`: lines for a person. */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export function isLogFormat(text: string): text is LogFormat
{
    return (LOG_FORMATS as readonly string[]).includes(text);
}
