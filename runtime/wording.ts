/** "a Date", "an Error": messages read as sentences. */
export function withArticle(name: string): string
{
    return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
