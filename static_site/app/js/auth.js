// Sign-in. Local stage: the local issuer's e-mail sign-in (POST /auth/local-login).
// AWS stages: Cognito's hosted sign-in, authorization code with PKCE, no client secret.
// The ID token is kept in localStorage until it expires, so a worker on a phone
// stays signed in for the evening; signing out removes it.

const TOKEN_KEY = "logbook.token";
const PKCE_KEY = "logbook.pkce";
const config = window.LOGBOOK_CONFIG || {};

function decodeClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      atob(part)
        .split("")
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
        .join(""),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The stored token if it is still valid for at least a minute, else null. */
export function getToken() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims?.exp || claims.exp * 1000 < Date.now() + 60_000) {
    localStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return token;
}

/** The e-mail the token speaks for (display only; the API verifies the token). */
export function tokenEmail() {
  const token = getToken();
  const claims = token && decodeClaims(token);
  return claims ? claims.email : null;
}

export function storeToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

export function isCognito() {
  return Boolean(config.cognito?.clientId && config.stage !== "local");
}

/** Local stage: sign in with the e-mail of a seeded or created member. */
export async function localSignIn(apiUrl, email) {
  const response = await fetch(`${apiUrl}/auth/local-login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.message || `HTTP ${response.status}`);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  storeToken(body.token);
  return body.token;
}

// ---------------------------------------------------------------- Cognito (PKCE)
function cognitoBase() {
  const { domain, region } = config.cognito;
  const host = domain.includes(".") ? domain : `${domain}.auth.${region}.amazoncognito.com`;
  return host.startsWith("http") ? host.replace(/\/$/, "") : `https://${host}`;
}

function redirectUri() {
  return window.location.origin + window.location.pathname;
}

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(length = 48) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

/** Go to Cognito's hosted sign-in; it comes back to this page with ?code=&state=. */
export async function startCognitoSignIn() {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: config.cognito.clientId,
    redirect_uri: redirectUri(),
    scope: "openid email profile",
    code_challenge_method: "S256",
    code_challenge: challenge,
    state,
  });
  window.location.assign(`${cognitoBase()}/oauth2/authorize?${params}`);
}

/**
 * If this page load is Cognito's redirect back, trade the code for tokens.
 * Returns true when a token was stored.
 */
export async function completeCognitoSignIn() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  if (!isCognito() || !code) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "null");
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", redirectUri() + (saved?.hash || ""));
  if (!saved || saved.state !== params.get("state")) {
    throw new Error("The sign-in answer did not match this sign-in (state). Please try again.");
  }
  const response = await fetch(`${cognitoBase()}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.cognito.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in failed (${response.status})`);
  const tokens = await response.json();
  // The API's authorizer verifies the ID token: it carries the e-mail and the client id as audience.
  storeToken(tokens.id_token);
  return true;
}

/** Forget the token; with Cognito, also end the hosted session (shared devices). */
export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
  if (isCognito()) {
    const params = new URLSearchParams({
      client_id: config.cognito.clientId,
      logout_uri: redirectUri(),
    });
    window.location.assign(`${cognitoBase()}/logout?${params}`);
  }
}
