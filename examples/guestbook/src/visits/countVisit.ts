const visits = new Map<string, number>();

/** Protected: other segments of the app call it with the trust key; a page or curl gets 401. */
export async function countVisit(name: string): Promise<number>
{
    const count = (visits.get(name) ?? 0) + 1;
    visits.set(name, count);
    console.log(`visit ${count} of ${name} counted by the visits segment`);
    return count;
}
