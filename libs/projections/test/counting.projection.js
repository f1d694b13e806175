// A projection for tests: counts every event it applies, so that a lost or doubled event shows.
module.exports.countingProjection = {
  name: 'counting',
  collections: ['test_counts'],
  indexes: [],
  async apply(event, writer) {
    const doc = (await writer.get('test_counts', 'all')) ?? { id: 'all', n: 0, last: null };
    writer.put('test_counts', { id: 'all', n: doc.n + 1, last: event.id });
  },
};
