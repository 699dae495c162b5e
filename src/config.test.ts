// Configuration: defaults, coercion, and one error naming every bad variable.
import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded store in ./data with no variables set', () => {
    const config = loadConfig({});
    expect(config).to.include({
      STORE: 'embedded',
      DATA_DIR: './data',
      PORT: 8080,
      QUEUE: 'auto',
      LINK_MBOX_SHA1SUM: true,
      RESOLVE_AUTHORITY: false,
    });
  });

  it('coerces numbers and booleans from their text', () => {
    const config = loadConfig({ PORT: '9090', RESOLVE_AUTHORITY: 'yes', LINK_MBOX_SHA1SUM: 'off', RESOLVER_BATCH_SIZE: '500' });
    expect(config).to.include({ PORT: 9090, RESOLVE_AUTHORITY: true, LINK_MBOX_SHA1SUM: false, RESOLVER_BATCH_SIZE: 500 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).to.equal(8080);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ STORE: 'postgres', PORT: 'eighty', RESOLVE_AUTHORITY: 'maybe' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/STORE/)
      .and.matches(/PORT/)
      .and.matches(/RESOLVE_AUTHORITY/);
  });

  it('takes WRITE_BACK_PERSON name (default) or pseudonym, and names any other value', () => {
    expect(loadConfig({}).WRITE_BACK_PERSON).to.equal('name');
    expect(loadConfig({ WRITE_BACK_PERSON: 'pseudonym' }).WRITE_BACK_PERSON).to.equal('pseudonym');
    expect(() => loadConfig({ WRITE_BACK_PERSON: 'nickname' })).to.throw(ConfigError, /WRITE_BACK_PERSON/);
  });

  it('sets the HTTP server time limits (slowloris) and refuses a headers limit longer than the request limit', () => {
    expect(loadConfig({})).to.include({
      HTTP_HEADERS_TIMEOUT_MS: 20_000,
      HTTP_REQUEST_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '9000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).to.throw(
      ConfigError,
      /HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('requires MONGODB_URL when STORE=mongodb', () => {
    expect(() => loadConfig({ STORE: 'mongodb' })).to.throw(ConfigError, /MONGODB_URL: is required when STORE=mongodb/);
    expect(loadConfig({ STORE: 'mongodb', MONGODB_URL: 'mongodb://127.0.0.1:27017' }).MONGODB_DB).to.equal('persona-resolver');
  });

  it('MONGODB_URL without STORE means MongoDB, not a silent embedded store in ./data', () => {
    expect(loadConfig({ MONGODB_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0' }).STORE).to.equal('mongodb');
  });

  it('an explicit STORE=embedded is kept when MONGODB_URL is also set', () => {
    expect(loadConfig({ STORE: 'embedded', MONGODB_URL: 'mongodb://127.0.0.1:27017' }).STORE).to.equal('embedded');
  });
});
