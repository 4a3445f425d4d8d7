/**
 * Signing in with an organisation's identity provider (OpenID Connect, authorisation code with
 * PKCE). Discovery waits for the first sign-in, so Jointly starts even when the provider cannot be
 * reached. What the provider vouches for is only linked to an account here, never made into one
 * (auth.service.ts).
 */
import * as oidcClient from 'openid-client';

/** The provider Jointly is registered with. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
}

/** What Jointly uses from an identity provider's ID token (or user info). */
export interface OidcClaims {
  sub: string;
  email?: string;
  /** True only when the provider says it has verified the email address. */
  emailVerified?: boolean;
  name?: string;
}

/** The values kept in the session between sending someone to the provider and their return. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcSignIn {
  /** Where to send someone to sign in with the provider (PKCE S256, state and nonce). */
  authorizationUrl(state: string, nonce: string, codeVerifier: string): Promise<URL>;
  /** Completes the sign-in from the URL the provider sent them back to; throws when any check fails. */
  callback(currentUrl: URL, checks: OidcChecks): Promise<OidcClaims>;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** Sign-in through `settings`' provider, returning to `publicUrl`; undefined when there is none. */
export function createOidcSignIn(
  settings: OidcSettings | undefined,
  publicUrl: string,
): OidcSignIn | undefined {
  if (settings === undefined) return undefined;
  const redirectUri = new URL('/sign-in/oidc/callback', publicUrl);
  let pending: Promise<oidcClient.Configuration> | undefined;

  const configuration = (): Promise<oidcClient.Configuration> => {
    if (pending === undefined) {
      const issuer = new URL(settings.issuer);
      // Plain HTTP is allowed only for a provider on this machine (development).
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
      const attempt = oidcClient.discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret === undefined ? oidcClient.None() : undefined,
        insecure ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
      );
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };

  return {
    async authorizationUrl(state, nonce, codeVerifier) {
      const server = await configuration();
      return oidcClient.buildAuthorizationUrl(server, {
        redirect_uri: redirectUri.href,
        scope: 'openid email profile',
        code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },
    async callback(currentUrl, checks) {
      const server = await configuration();
      // The provider's answer, on the registered redirect address (whatever host the request came in on).
      const returned = new URL(redirectUri);
      returned.search = currentUrl.search;
      const tokens = await oidcClient.authorizationCodeGrant(server, returned, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (idToken === undefined) throw new Error('The identity provider did not return an ID token.');
      let source: Record<string, unknown> = idToken;
      if (typeof idToken.email !== 'string' && tokens.access_token) {
        source = {
          ...(await oidcClient.fetchUserInfo(server, tokens.access_token, idToken.sub)),
          sub: idToken.sub,
        };
      }
      return {
        sub: idToken.sub,
        ...(typeof source.email === 'string' ? { email: source.email } : {}),
        emailVerified: source.email_verified === true,
        ...(typeof source.name === 'string' ? { name: source.name } : {}),
      };
    },
  };
}
