import { mongoClient } from './mongo';

/** The client's options, read without connecting (MongoClient connects on first use). */
describe('mongoClient', () => {
  it('bounds every call and reads and writes at majority, from the primary', async () => {
    const client = mongoClient('mongodb://127.0.0.1:27017/?replicaSet=rs0');
    try {
      expect(client.options).toMatchObject({ serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, socketTimeoutMS: 30000 });
      expect(client.options.readPreference.mode).toBe('primary');
      expect(client.options.readConcern?.level).toBe('majority');
      expect(client.options.writeConcern?.w).toBe('majority');
    } finally {
      await client.close();
    }
  });

  it('lets the URL’s own options win over its defaults', async () => {
    const client = mongoClient('mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=200&readPreference=secondaryPreferred&w=1');
    try {
      expect(client.options.serverSelectionTimeoutMS).toBe(200);
      expect(client.options.readPreference.mode).toBe('secondaryPreferred');
      expect(client.options.writeConcern?.w).toBe(1);
      expect(client.options.socketTimeoutMS).toBe(30000);
    } finally {
      await client.close();
    }
  });

  it('never repeats a URL it cannot read (it may hold a password)', () => {
    expect(() => mongoClient('mongodb://user:secret@:bad')).toThrow('MONGODB_URL is not a valid MongoDB connection string');
  });
});
