/**
 * Runs the page's searches: `search({ q })` for a new query, `search({ q, before })` for the next
 * page of older results, each answer shown in the panel unless a newer query replaced it; and a
 * picked result handed to the jumper, the panel saying what happens meanwhile.
 */
import type { SearchHit } from '../../lib/protocol/payloads';
import { DEFAULT_SEARCH_LIMIT, searchTerms } from '../../lib/protocol/search-query';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import { strings } from '../strings';
import type { MessageJumper } from './jump-to-message';
import type { SearchPanelView } from './search-panel';

/** The query on screen and where its next page starts. */
interface Query {
  q: string;
  terms: string[];
  count: number;
  /** The oldest result's id so far: the next page's `before`. */
  oldest: number | undefined;
}

/** Searches and their pages. */
export class MessageSearch {
  private query: Query | null = null;
  // Each query and each jump takes a new number; an answer for an older one is dropped.
  private generation = 0;
  private jumpGeneration = 0;
  private busy = false;

  constructor(
    private readonly socket: ChatSocket,
    private readonly jumper: MessageJumper,
    private readonly panel: SearchPanelView,
  ) {}

  /** Starts a new query. */
  search(typed: string): void {
    const panel = this.panel;
    const q = typed.trim();
    const terms = searchTerms(q);
    this.generation++;
    this.jumpGeneration++;
    this.query = null;
    this.busy = false;
    panel.reset();
    if (terms.length === 0) {
      panel.setStatus(strings.search.noWords);
      return;
    }
    this.query = { q, terms, count: 0, oldest: undefined };
    this.fetch(this.query);
  }

  /** Loads the next page of the query on screen. */
  more(): void {
    if (this.query && !this.busy) this.fetch(this.query);
  }

  /** Shows a picked result in its room, or says in the panel why it cannot. */
  pick(hit: SearchHit): void {
    const panel = this.panel;
    const generation = ++this.jumpGeneration;
    panel.setStatus(strings.search.finding);
    const wanted = (): boolean => generation === this.jumpGeneration;
    void this.jumper.jump(hit.room, hit.id, wanted).then((result) => {
      if (!wanted()) return;
      if (result.shown) panel.close();
      else panel.setStatus(result.reason, true);
    });
  }

  private fetch(query: Query): void {
    const panel = this.panel;
    if (!this.socket.connected) {
      panel.setStatus(strings.search.offline, true);
      return;
    }
    const generation = this.generation;
    this.busy = true;
    if (query.oldest === undefined) panel.setStatus(strings.search.searching);
    else panel.setMore(true, true);
    const request = query.oldest === undefined ? { q: query.q } : { q: query.q, before: query.oldest };
    this.socket.timeout(ACK_TIMEOUT_MS).emit('search', request, (err, ack) => {
      if (generation !== this.generation) return;
      this.busy = false;
      if (err || !ack.ok) {
        // The query stays: "More results" (when it was offered) tries the same page again.
        panel.setMore(query.oldest !== undefined);
        panel.setStatus(err ? strings.noAnswer : strings.errorMessage(ack.ok ? {} : ack.error), true);
        return;
      }
      const results = Array.isArray(ack.results) ? ack.results : [];
      for (const { id } of results) if (query.oldest === undefined || id < query.oldest) query.oldest = id;
      query.count += results.length;
      panel.addHits(results, query.terms);
      // A full page may have more behind it; a short one is the end.
      const full = results.length >= DEFAULT_SEARCH_LIMIT;
      panel.setMore(full);
      panel.setStatus(query.count === 0 ? strings.search.none(query.q) : strings.search.count(query.count, full));
    });
  }
}
