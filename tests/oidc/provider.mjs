// A real OpenID provider for the organisation-login tests (npm package oidc-provider).
//
//   node tests/oidc/provider.mjs '<json>'
//
// json: {"clients": [...oidc-provider client metadata...],
//        "accounts": {"<login>": {"password": "...", "claims": {...}, "amr": ["pwd", "otp"]}},
//        "clockSkewSeconds": 0}
// Listens on a free loopback port and prints one line {"issuer": ..., "port": ...} when ready.
// The issuer is http://localhost:<port>. It has its own login form and consent page.
//
// Two decoy discovery documents, for the tests of what the product must refuse:
//   /tampered-iss/.well-known/openid-configuration  names issuer <issuer>/tampered-iss, but the
//       tokens still carry <issuer> (an ID token from another issuer than configured);
//   /tampered-keys/.well-known/openid-configuration names issuer <issuer>/tampered-keys and a
//       JWKS with another key under the same key id (tokens do not verify against it).
// clockSkewSeconds (e.g. -7200) runs the provider's clock behind: its ID tokens are expired
// when they arrive.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] || '{}');
const skew = Number(config.clockSkewSeconds || 0);
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew * 1000;
}

function rsaJwk(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}
const signingKey = rsaJwk('test-key-1');
const { d, p, q, dp, dq, qi, ...otherPublic } = rsaJwk('test-key-1'); // same kid, other key

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

async function formBody(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return Object.fromEntries(new URLSearchParams(data));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://localhost:${port}`;
  const accounts = config.accounts || {};
  const long = skew ? 24 * 3600 : undefined; // cookies are judged by the client's (real) clock
  const provider = new Provider(issuer, {
    clients: config.clients || [],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    ttl: long ? { Interaction: long, Session: long, Grant: long, IdToken: 3600, AccessToken: long } : undefined,
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
    },
  });

  provider.use(async (ctx, next) => {
    const decoy = ctx.path.match(/^\/(tampered-iss|tampered-keys)\/(\.well-known\/openid-configuration|jwks)$/);
    if (decoy) {
      const [, kind, what] = decoy;
      if (what === 'jwks') {
        ctx.body = { keys: [otherPublic] };
        return;
      }
      ctx.path = '/.well-known/openid-configuration';
      await next();
      const body = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : { ...ctx.body };
      body.issuer = `${issuer}/${kind}`;
      if (kind === 'tampered-keys') body.jwks_uri = `${issuer}/tampered-keys/jwks`;
      ctx.body = body;
      return;
    }
    const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const action = match[2];
    ctx.type = 'html';
    if (ctx.method === 'GET' && !action) {
      if (details.prompt.name === 'login') {
        ctx.body = page('Inloggen bij de organisatie', `<form method="post" action="/interaction/${details.uid}/login"><label>Login <input name="login"></label><label>Wachtwoord <input type="password" name="password"></label><button>Inloggen</button></form>`);
      } else {
        ctx.body = page('Toestemming', `<p>${escape(details.params.client_id)} vraagt: ${escape(details.params.scope)}</p><form method="post" action="/interaction/${details.uid}/confirm"><button>Toestaan</button></form>`);
      }
      return;
    }
    if (ctx.method === 'POST' && action === 'login') {
      const { login, password } = await formBody(ctx.req);
      const account = accounts[login];
      if (!account || account.password !== password) {
        ctx.status = 401;
        ctx.body = page('Inloggen bij de organisatie', `<p id="error">Onjuiste login</p><form method="post" action="/interaction/${details.uid}/login"><input name="login"><input type="password" name="password"><button>Inloggen</button></form>`);
        return;
      }
      const result = { login: { accountId: login, amr: account.amr || ['pwd'] } };
      const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    if (ctx.method === 'POST' && action === 'confirm') {
      await formBody(ctx.req);
      const { prompt: { details: missing }, params, session: { accountId } } = details;
      let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
      if (!grant) grant = new provider.Grant({ accountId, clientId: params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      if (missing.missingResourceScopes) {
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
      }
      const grantId = await grant.save();
      const consent = details.grantId ? {} : { grantId };
      const to = await provider.interactionResult(ctx.req, ctx.res, { consent }, { mergeWithLastSubmission: true });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    ctx.status = 405;
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});
