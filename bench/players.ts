/**
 * Synthetic players of the igaming template, the same for the product and the peer: 7 fields, of which
 * 5 are personal (first_name, last_name, email, phone, date_of_birth) and stored encrypted.
 */
export type PlayerData = {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  date_of_birth: string;
  country: string;
  currency: string;
};

const FIRST = ['James', 'Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Lucas', 'Mia', 'Mateo', 'Sofia'];
const LAST = ['Wilson', 'Smith', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Nowak', 'Silva', 'Jensen', 'Kowalski'];
const PLACES: ReadonlyArray<readonly [string, string]> = [
  ['GB', 'GBP'],
  ['DE', 'EUR'],
  ['SE', 'SEK'],
  ['MT', 'EUR'],
  ['CA', 'CAD'],
];

/** The externalId of the i-th seeded player. */
export const playerId = (i: number): string => `player_${i}`;

export function player(i: number): PlayerData {
  const [country, currency] = PLACES[i % PLACES.length]!;
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((i % 12) + 1).padStart(2, '0');
  return {
    first_name: FIRST[i % FIRST.length]!,
    last_name: LAST[Math.floor(i / FIRST.length) % LAST.length]!,
    email: `player${i}@example.com`,
    phone: `+44 7700 ${String(i % 1_000_000).padStart(6, '0')}`,
    date_of_birth: `${1960 + (i % 45)}-${month}-${day}`,
    country,
    currency,
  };
}

/** The body of POST /operator-data-api/entities for a player. */
export function upsertBody(externalId: string, i: number): string {
  return JSON.stringify({ entityType: 'player', externalId, data: player(i) });
}
