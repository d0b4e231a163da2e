// Types for provider.mjs, so that TypeScript (global-setup.ts, specs) sees its API.
export declare const CLIENT_ID: "portfront-e2e";
export declare const CLIENT_SECRET: string;
export declare const DEFAULT_EMAIL_DOMAIN: "buyers.example";

export interface StartedProvider {
  /** `http://127.0.0.1:${port}`, no trailing slash. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Stops listening and drops open connections. Safe to call more than once. */
  close(): Promise<void>;
}

/** Starts the provider on 127.0.0.1 (port 0 picks a free port). */
export declare function startProvider(options: {
  port: number;
  redirectUri: string;
}): Promise<StartedProvider>;
