// Runs the compiled projector over an event log and SIGKILLs itself inside the Nth commit: after the
// batch's read-model writes have run in the transaction, before its checkpoint is written.
// Usage: node crash-child.js EVENTS_DB READ_DB KILL_AT_COMMIT BATCH_SIZE
const path = require('node:path');
const dist = path.resolve(__dirname, '../../../dist/libs');
const { SqliteEventStore } = require(path.join(dist, 'event-store/src'));
const { SqliteReadStore } = require(path.join(dist, 'read-store/src'));
const { Projector, allProjections } = require(path.join(dist, 'projections/src'));
const { countingProjection } = require('./counting.projection');

async function main() {
  const [eventsFile, readFile, killAt, batchSize] = process.argv.slice(2);
  const events = new SqliteEventStore(eventsFile);
  // The commits run on the read store's writer thread: its program is wrapped to die inside the Nth.
  process.env.CRASH_AT_COMMIT = killAt;
  const read = new SqliteReadStore(readFile, { program: path.join(__dirname, 'crashing-read-store.program') });
  const projector = new Projector(events, read, [...allProjections, countingProjection], { batchSize: Number(batchSize) });
  await projector.init();
  await projector.catchUp();
  process.stdout.write('finished without being killed\n');
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack));
  process.exit(1);
});
