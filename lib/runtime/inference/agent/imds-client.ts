/** Seconds an IMDSv2 session token lives; it is renewed a minute before it expires. */
const TOKEN_TTL_SECONDS = 21600;
const REQUEST_TIMEOUT_MS = 2000;

/** Reads instance metadata through IMDSv2 (session token, then token-authenticated GETs). */
export class ImdsClient {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly endpoint: string) {}

  /** The text at `latest/meta-data/{path}`, or undefined when the service answers 404 (no such notice). */
  async get(path: string): Promise<string | undefined> {
    const response = await fetch(`${this.endpoint}/latest/meta-data/${path}`, {
      headers: { 'X-aws-ec2-metadata-token': await this.sessionToken() },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
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
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`IMDS token request answered ${response.status}`);
    this.token = { value: await response.text(), expiresAt: Date.now() + (TOKEN_TTL_SECONDS - 60) * 1000 };
    return this.token.value;
  }
}
