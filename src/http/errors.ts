/** HTTP errors as Confluent's REST Proxy answers them: a status and a JSON body `{ error_code, message }`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /**
   * @param status the HTTP status (4xx for anything the client sent).
   * @param errorCode Confluent's code: the status, or a refinement such as 40401 (topic not found).
   */
  constructor(readonly status: number, message: string, readonly errorCode: number = status) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const unprocessable = (message: string): HttpError => new HttpError(422, message, 42201);
export const topicNotFound = (topic: string): HttpError => new HttpError(404, `Topic ${clip(topic)} not found.`, 40401);
export const partitionNotFound = (topic: string, partition: number): HttpError => new HttpError(404, `Partition ${partition} of topic ${clip(topic)} not found.`, 40402);
export const notFound = (what: string): HttpError => new HttpError(404, `${what} not found.`, 404);

/** Client-given strings echoed in messages are clipped: an error body never grows with the input. */
export function clip(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}
