/** OpenID Connect relying party: discovery, authorization code flow with PKCE, state and nonce (openid-client v6). */
import * as client from "openid-client";
import type { Env } from "../../env";
import type { Logger } from "../../lib/logger";
import { AppError } from "../../lib/errors";

export type OidcSettings = NonNullable<Env["oidc"]>;

/** What the browser's session remembers between the redirect and the callback; used once. */
export type PendingOidcLogin = {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  inviteToken?: string;
};

export type OidcIdentity = {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
};

export const DEFAULT_RETURN_TO = "/dashboard";

/** Only a same-origin path: `/x`, never `//host`, `/\host`, a scheme, or control characters. */
export function safeReturnTo(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return DEFAULT_RETURN_TO;
  if ([...value].some((ch) => ch === "\\" || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
    return DEFAULT_RETURN_TO;
  try {
    const base = "http://same-origin.invalid";
    const url = new URL(value, base);
    const path = `${url.pathname}${url.search}${url.hash}`;
    // Dot segments can normalise "/.//host" into "//host": check the result, not only the input.
    if (url.origin !== base || path.startsWith("//")) return DEFAULT_RETURN_TO;
    return path;
  } catch {
    return DEFAULT_RETURN_TO;
  }
}

/** Code and message of an openid-client error and of its cause (which names the failed check); no tokens. */
function describe(err: unknown) {
  const e = err as { message?: string; code?: string; cause?: { message?: string; code?: string } } | null;
  return { message: e?.message, code: e?.code, cause: e?.cause?.message, causeCode: e?.cause?.code };
}

export const oidcFailed = (message = "Single sign-on failed; try again") => new AppError("sso_failed", 400, message);

export class OidcClient {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    private readonly settings: OidcSettings,
    private readonly appUrl: string,
    private readonly log: Logger,
  ) {}

  get redirectUri(): string {
    return `${this.appUrl}/api/auth/callback`;
  }

  /** Discovery once per app; a failed discovery is retried on the next sign-in rather than cached. */
  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.settings.issuerUrl);
      const insecure = issuer.protocol === "http:"; // env.ts allows http only for localhost / 127.0.0.1
      this.configuration = client
        .discovery(
          issuer,
          this.settings.clientId,
          this.settings.clientSecret ?? undefined,
          this.settings.clientSecret ? undefined : client.None(),
          {
            execute: insecure ? [client.allowInsecureRequests] : [],
            timeout: 10,
          },
        )
        .catch((err: unknown) => {
          this.configuration = null;
          this.log.warn({ oidcError: describe(err) }, "OIDC discovery failed");
          throw new AppError("sso_unavailable", 503, "The single sign-on provider cannot be reached right now");
        });
    }
    return this.configuration;
  }

  async startLogin(options: {
    returnTo?: string;
    inviteToken?: string;
  }): Promise<{ url: string; pending: PendingOidcLogin }> {
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingOidcLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      returnTo: safeReturnTo(options.returnTo),
      ...(options.inviteToken ? { inviteToken: options.inviteToken } : {}),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: "openid email profile",
      response_type: "code",
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code, checking state, nonce, PKCE and the ID token; returns who signed in. */
  async finishLogin(callbackUrl: URL, pending: PendingOidcLogin): Promise<OidcIdentity> {
    const config = await this.config();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      // Messages from openid-client describe the failed check, never the tokens themselves.
      this.log.warn({ oidcError: describe(err) }, "OIDC callback rejected");
      throw oidcFailed();
    }
    const claims = tokens.claims();
    if (!claims?.sub) throw oidcFailed("The identity provider did not say who you are");
    let email = typeof claims.email === "string" ? claims.email : null;
    let emailVerified = claims.email_verified === true;
    let name = typeof claims.name === "string" ? claims.name : null;
    if (!email && tokens.access_token) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = typeof info.email === "string" ? info.email : null;
        emailVerified = info.email_verified === true;
        name ??= typeof info.name === "string" ? info.name : null;
      } catch (err) {
        this.log.warn({ oidcError: describe(err) }, "OIDC userinfo request failed");
      }
    }
    return {
      issuer: config.serverMetadata().issuer,
      subject: claims.sub,
      email: email ? email.trim().toLowerCase() : null,
      emailVerified,
      name: name?.trim().slice(0, 120) || null,
    };
  }
}
