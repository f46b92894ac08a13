/**
 * One person and one enterprise per year (notice 二(二)): inside a single upload the later row is the duplicate, and
 * the finding names the earlier row so the clerk can decide which one to keep.
 */
export class DuplicatesInFile {
  private readonly firstRowByKey = new Map<string, number>();

  /** Records the value for the row; returns the earlier row when the same value was already seen. */
  seen(kind: string, value: string, row: number): number | undefined {
    const key = `${kind}\u0000${value}`;
    const earlier = this.firstRowByKey.get(key);
    if (earlier === undefined) this.firstRowByKey.set(key, row);
    return earlier;
  }
}
