// An OpenID Connect provider on loopback for the portal's tests (tests/web/test_oidc.py), made with the certified
// `oidc-provider` package: discovery, JWKS, authorization code flow with PKCE, signed ID tokens.
//
// Only the interaction (the provider's own sign-in page) is ours, through the package's documented extension
// point (interactions.url + interactionDetails/interactionFinished): no human types anything. The browser's request
// to the authorization endpoint names the person and how they signed in:
//   login_hint=<subject>     the subject (`sub`) to sign in as
//   test_amr=<a,b>           the `amr` claim of the ID token ("pwd,mfa"; empty: no amr claim)
//   test_acr=<value>         the `acr` claim
// One client, from the environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS (space separated). PORT is the port
// (0: any free one); the first line printed is "listening <issuer>". ID_TOKEN_TTL is the ID token's lifetime
// in seconds.
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = process.env;
const server = createServer();
await new Promise((resolve) => { server.listen(Number(env.PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.CLIENT_ID,
    client_secret: env.CLIENT_SECRET,
    redirect_uris: (env.REDIRECT_URIS || '').split(' ').filter(Boolean),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // PKCE with S256 is required of every client (the package's default, said here so nobody turns it off).
  pkce: { required: () => true },
  // The ID token carries how the person signed in (amr, acr), as Entra ID's and most providers' do.
  claims: { openid: ['sub', 'amr', 'acr', 'auth_time'] },
  extraParams: ['test_amr', 'test_acr'],
  features: { devInteractions: { enabled: false } },
  ttl: { IdToken: Number(env.ID_TOKEN_TTL || 3600), AccessToken: 600, AuthorizationCode: 60, Interaction: 600,
         Session: 600, Grant: 600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  // The keys that sign the provider's cookies: made at each start, the provider lives for one test run.
  cookies: { keys: [Math.random().toString(36).slice(2) + Date.now()] },
});
// Tokens are fetched by the portal over plain http on loopback: no proxy in between.
provider.proxy = false;

const callback = provider.callback();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { params, prompt } = details;
  const subject = params.login_hint;
  if (!subject) {
    res.statusCode = 400;
    res.end('login_hint (the subject to sign in as) is missing');
    return;
  }
  const amr = (params.test_amr || '').split(',').filter(Boolean);
  const login = { accountId: subject, remember: false };
  if (amr.length) login.amr = amr;
  if (params.test_acr) login.acr = params.test_acr;
  const result = { login };
  if (prompt.name === 'consent' || prompt.name === 'login') {
    const grant = new provider.Grant({ accountId: subject, clientId: params.client_id });
    grant.addOIDCScope(params.scope);
    result.consent = { grantId: await grant.save() };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});

console.log(`listening ${issuer}`);

function stop() { server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); }
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
