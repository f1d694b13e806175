// The read store's writer-thread program (compiled), with the process SIGKILLed inside the Nth commit
// (CRASH_AT_COMMIT): after the batch's read-model writes ran in the transaction, before its checkpoint is written.
const path = require('node:path');
const { createWriteProgram } = require(path.resolve(__dirname, '../../../dist/libs/read-store/src/sqlite-read-store.program'));

exports.createWriteProgram = (db) => {
  const killAt = Number(process.env.CRASH_AT_COMMIT);
  let commits = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = (sql) => {
    const statement = prepare(sql);
    if (!sql.startsWith('INSERT OR REPLACE INTO checkpoints')) return statement;
    return {
      run: (...args) => {
        commits += 1;
        if (commits === killAt) process.kill(process.pid, 'SIGKILL');
        return statement.run(...args);
      },
    };
  };
  return createWriteProgram(db);
};
