/** A real OpenID provider (oidc-provider) on 127.0.0.1 for SSO tests, and a browser-like driver for its redirects. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

export type TestAccount = { email?: string; email_verified?: boolean; name?: string };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** The env a test app needs to use this provider. */
  env: Record<string, string>;
  /**
   * Plays the browser from the authorization URL to the redirect back to the app, signing in as `accountId`.
   * Returns the callback URL the provider redirected to (not yet requested).
   */
  authorize: (authorizationUrl: string, accountId: string) => Promise<URL>;
  close: () => Promise<void>;
};

export const TEST_REDIRECT_URI = "http://app.test/api/auth/callback";

/** A minimal cookie jar: enough for the provider's interaction and session cookies. */
class CookieJar {
  private cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export async function startOidcProvider(options: { redirectUri?: string } = {}): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const clientId = "vad-test-client";
  const clientSecret = "vad-test-client-secret-0123456789";
  type Details = {
    prompt: {
      name: string;
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
    };
    params: { client_id: string };
    session?: { accountId: string };
    grantId?: string;
  };
  type Grant = {
    addOIDCScope: (s: string) => void;
    addOIDCClaims: (c: string[]) => void;
    addResourceScope: (r: string, s: string) => void;
    save: () => Promise<string>;
  };
  type ProviderApi = {
    interactionDetails: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<Details>;
    interactionFinished: (
      req: http.IncomingMessage,
      res: http.ServerResponse,
      result: unknown,
      opts: { mergeWithLastSubmission: boolean },
    ) => Promise<void>;
    callback: () => http.RequestListener;
    Grant: { new (init: { accountId: string; clientId: string }): Grant; find: (id: string) => Promise<Grant> };
  };

  // Created once the port (part of the issuer) is known.
  let provider: ProviderApi | null = null;
  let pendingAccount: string | null = null;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (interaction) {
      finishInteraction(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String((err as Error)?.message));
      });
      return;
    }
    if (!provider) return void res.writeHead(503).end();
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-signing-key", use: "sig", alg: "RS256" };

  const created: ProviderApi = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri ?? TEST_REDIRECT_URI],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [jwk] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    cookies: { keys: ["test-provider-cookie-key-0123456789"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account }) };
    },
  });
  provider = created;

  // The "user" signs in as the requested account and accepts whatever consent is asked.
  async function finishInteraction(req: http.IncomingMessage, res: http.ServerResponse) {
    const api = created;
    const details = await api.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      if (!pendingAccount) throw new Error("no account chosen for this login");
      await api.interactionFinished(
        req,
        res,
        { login: { accountId: pendingAccount } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? await api.Grant.find(details.grantId)
      : new api.Grant({ accountId: details.session?.accountId ?? "", clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(" "));
    const grantId = await grant.save();
    await api.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function authorize(authorizationUrl: string, accountId: string): Promise<URL> {
    const jar = new CookieJar(); // a fresh browser profile: every sign-in logs in again
    pendingAccount = accountId;
    let next = new URL(authorizationUrl);
    for (let hop = 0; hop < 12; hop += 1) {
      if (next.origin !== issuer) return next;
      const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.store(res);
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location)
        throw new Error(`provider answered ${res.status} at ${next.pathname}: ${(await res.text()).slice(0, 300)}`);
      next = new URL(location, next);
    }
    throw new Error("too many redirects at the provider");
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    env: { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret },
    authorize,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
