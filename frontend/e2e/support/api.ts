// Arranging data through the real API (as another user or a system would), so each browser test only
// drives the screens it is about.
import { inject } from "vitest";

export class Api {
  private constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(email: string, password: string): Promise<Api> {
    const baseUrl = inject("baseUrl");
    const response = await fetch(`${baseUrl}/api/v1/auth/token`, {
      method: "POST",
      body: new URLSearchParams({ username: email, password }),
    });
    if (!response.ok) throw new Error(`login of ${email} failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { access_token: string };
    return new Api(baseUrl, body.access_token);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${this.token}` } };
    if (body !== undefined) {
      init.headers = { ...init.headers, "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, init);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }
}

/** A value no earlier run or other test uses: names and e-mails stay unique per test. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}
