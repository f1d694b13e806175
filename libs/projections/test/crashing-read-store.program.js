// The read store's writer-thread program (compiled), with the process SIGKILLed inside the Nth commit of a
// batch (CRASH_AT_COMMIT): after the batch's read-model writes ran in the transaction, before its first
// checkpoint is written.
const path = require('node:path');
const { createWriteProgram } = require(path.resolve(__dirname, '../../../dist/libs/read-store/src/sqlite-read-store.program'));

exports.createWriteProgram = (db) => {
  const killAt = Number(process.env.CRASH_AT_COMMIT);
  let batches = 0;
  let inBatch = 0; // the batch being committed, 0 outside one
  const prepare = db.prepare.bind(db);
  db.prepare = (sql) => {
    const statement = prepare(sql);
    if (!sql.startsWith('INSERT OR REPLACE INTO checkpoints')) return statement;
    return {
      run: (...args) => {
        if (inBatch === killAt) process.kill(process.pid, 'SIGKILL');
        return statement.run(...args);
      },
    };
  };
  const program = createWriteProgram(db);
  return {
    ...program,
    commit: (args) => {
      // A batch's commit, not the first start's (every projection live from the log's beginning).
      inBatch = args.moves.some((move) => move.next !== undefined && move.next !== 'start') ? ++batches : 0;
      try {
        return program.commit(args);
      } finally {
        inBatch = 0;
      }
    },
  };
};
