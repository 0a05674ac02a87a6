import type { Sql } from 'postgres';
import { withFixtures } from './clients.ts';

/**
 * A small library schema that exercises every relationship kind PostgREST embeds:
 * book → author (many-to-one), author → books (one-to-many), author → profile (one-to-one),
 * book ↔ reviewer through review (many-to-many), and two foreign keys from book to author
 * (author and editor) for ambiguity. Each test file passes its own prefix so files can run
 * in parallel on one database.
 */
export interface Library {
  author: string;
  book: string;
  profile: string;
  reviewer: string;
  review: string;
  drop(): Promise<void>;
}

export async function createLibrary(sql: Sql, prefix: string): Promise<Library> {
  const t = {
    author: `${prefix}_author`,
    book: `${prefix}_book`,
    profile: `${prefix}_profile`,
    reviewer: `${prefix}_reviewer`,
    review: `${prefix}_review`,
  };
  await withFixtures(sql, `
    create table ${t.author} (
      id int primary key, name text not null, country text, born date,
      tags text[] not null default '{}', meta jsonb, active boolean not null default true
    );
    create table ${t.book} (
      id int primary key,
      author_id int not null references ${t.author}(id),
      editor_id int references ${t.author}(id),
      title text not null, pages int, price numeric(10,2), published_at timestamptz,
      isbn text unique, summary text
    );
    create table ${t.profile} (author_id int primary key references ${t.author}(id), website text);
    create table ${t.reviewer} (id int primary key, name text not null);
    create table ${t.review} (
      book_id int references ${t.book}(id), reviewer_id int references ${t.reviewer}(id),
      stars int not null check (stars between 1 and 5), primary key (book_id, reviewer_id)
    );
    insert into ${t.author} values
      (1, 'Лев Толстой', 'RU', '1828-09-09', '{classic,novel}', '{"awards": 0, "lang": {"code": "ru"}}', true),
      (2, 'Jane Austen', 'GB', '1775-12-16', '{classic}', '{"awards": 1, "lang": {"code": "en"}}', true),
      (3, 'Nobody 🚀', null, null, '{}', null, false);
    insert into ${t.book} values
      (10, 1, 2, 'Война и мир', 1225, 19.90, '1869-01-01T00:00:00Z', 'isbn-10', 'war and peace in russia'),
      (11, 1, null, 'Анна Каренина', 864, 15.50, '1878-01-01T00:00:00Z', 'isbn-11', 'a tragic love story'),
      (12, 2, 1, 'Pride and Prejudice', 432, 9.99, '1813-01-28T00:00:00Z', 'isbn-12', 'manners and marriage'),
      (13, 2, null, 'Emma', null, null, null, null, null);
    insert into ${t.profile} values (1, 'https://tolstoy.example');
    insert into ${t.reviewer} values (100, 'Critic A'), (101, 'Critic B');
    insert into ${t.review} values (10, 100, 5), (10, 101, 4), (12, 100, 3);
  `, Object.values(t));
  return {
    ...t,
    async drop() {
      await sql.unsafe(`drop table ${t.review}, ${t.reviewer}, ${t.profile}, ${t.book}, ${t.author}`);
    },
  };
}
