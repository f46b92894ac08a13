/** A reason the whole file cannot be read; becomes one file-level finding. */
export interface FileProblem {
  readonly code: string;
  readonly message: string;
}

/** Thrown inside the readers so a problem found deep in a stream ends the read with one clear finding. */
export class FileProblemError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.message);
    this.name = 'FileProblemError';
  }
}

export const fileProblem = (code: string, message: string): FileProblem => ({ code, message });
