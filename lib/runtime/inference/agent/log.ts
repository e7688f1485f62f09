/** One structured log line: an event name and its fields. */
export type Logger = (event: string, fields?: Record<string, unknown>) => void;

/** Writes each event as one JSON line (time, event, fields) to the given stream. */
export function jsonLineLogger(stream: NodeJS.WritableStream): Logger {
  return (event, fields = {}) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  };
}

/** The message of an error, or the value itself as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
