/** Seconds an IMDSv2 session token lives; it is renewed a minute before it expires. */
const TOKEN_TTL_SECONDS = 21600;

/** Reads instance metadata through IMDSv2 (session token, then token-authenticated GETs), each request bounded by `timeoutMs`. */
export class ImdsClient {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly endpoint: string, private readonly timeoutMs: number) {}

  /** The text at `latest/meta-data/{path}`, or undefined when the service answers 404 (no such notice). */
  async get(path: string): Promise<string | undefined> {
    // The signal also bounds reading the body.
    const response = await fetch(`${this.endpoint}/latest/meta-data/${path}`, {
      headers: { 'X-aws-ec2-metadata-token': await this.sessionToken() },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status === 404) return undefined;
    if (response.status === 401) this.token = undefined;
    if (!response.ok) throw new Error(`IMDS GET ${path} answered ${response.status}`);
    return response.text();
  }

  private async sessionToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const response = await fetch(`${this.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`IMDS token request answered ${response.status}`);
    this.token = { value: await response.text(), expiresAt: Date.now() + (TOKEN_TTL_SECONDS - 60) * 1000 };
    return this.token.value;
  }
}
