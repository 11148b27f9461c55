/**
 * Where prompt words come from: the built-in English corpus, a built-in Korean corpus, or a
 * user's UTF-8 text file. Language changes tokens per character (Korean often costs 2-4 tokens
 * per word on BPE vocabularies), so a benchmark must be able to pick the language it serves.
 */
import { createRng } from "../load/rng.ts";

/** Common English nouns; one token each in the simulator and in most BPE vocabularies. */
export const ENGLISH_WORDS: readonly string[] = (
  "time year people way day man thing woman life child world school state family student " +
  "group country problem hand part place case week company system program question work " +
  "government number night point home water room mother area money story fact month lot " +
  "right study book eye job word business issue side kind head house service friend father " +
  "power hour game line end member law car city community name president team minute idea " +
  "kid body information back parent face others level office door health person art war " +
  "history party result change morning reason research girl guy moment air teacher force " +
  "education foot boy age policy music market sense nation plan college interest death " +
  "experience effect use class control care field development role effort rate heart drug " +
  "show leader light voice wife police mind price report decision son view relationship town"
).split(" ");

/** Everyday Korean words and short phrases (Hangul only, space-separated). */
export const KOREAN_WORDS: readonly string[] = (
  "시간 사람 오늘 내일 어제 학교 회사 친구 가족 음식 " +
  "물 바다 하늘 구름 바람 나무 꽃 산 강 도시 " +
  "마을 집 방 문 창문 책 공부 선생님 학생 질문 " +
  "대답 생각 마음 사랑 행복 기억 이야기 노래 음악 영화 " +
  "여행 기차 버스 자동차 비행기 길 거리 시장 가게 돈 " +
  "일 회의 계획 문제 방법 결과 이유 의견 경험 역사 " +
  "문화 사회 경제 정치 과학 기술 컴퓨터 전화 사진 편지 " +
  "아침 점심 저녁 밤 주말 봄 여름 가을 겨울 날씨 " +
  "건강 병원 의사 약 운동 축구 야구 수영 산책 휴식 " +
  "세계 나라 한국 서울 부산 제주도 언어 한글 단어 문장 " +
  "빠르게 천천히 조용히 함께 다시 항상 가끔 매일 정말 아주 " +
  "좋은 새로운 작은 큰 따뜻한 차가운 밝은 어두운 즐거운 중요한 " +
  "먹다 마시다 읽다 쓰다 듣다 말하다 보다 가다 오다 배우다 " +
  "우리는 함께 일한다 그는 책을 읽는다 비가 온다 날씨가 좋다 " +
  "모델 서버 요청 응답 지연 처리량 토큰 메모리 캐시 배치"
).split(" ");

/** The words a prompt is built from, and how to lay them out. */
export interface TextSource {
  /** `english`, `korean`, or the file path as given. */
  name: string;
  words: readonly string[];
  /**
   * `random`: words drawn with a seeded RNG (built-in corpora, where order means nothing);
   * `ordered`: words taken in file order and cycled (a user's text keeps its phrasing).
   */
  order: "random" | "ordered";
}

/** Built-in text source names accepted by `--text-source`. */
export const BUILTIN_TEXT_SOURCES = ["english", "korean"] as const;

/**
 * Resolves a `--text-source` value: `english`, `korean`, or a path to a UTF-8 text file whose
 * whitespace-separated words are used in order. Throws an Error naming the file when it cannot
 * be read or holds no words.
 */
export async function loadTextSource(
  spec: string,
  opts: { readTextFile?: (path: string) => Promise<string> } = {},
): Promise<TextSource> {
  if (spec === "english") return { name: spec, words: ENGLISH_WORDS, order: "random" };
  if (spec === "korean") return { name: spec, words: KOREAN_WORDS, order: "random" };
  const read = opts.readTextFile ?? Deno.readTextFile;
  let text: string;
  try {
    text = await read(spec);
  } catch (e) {
    throw new Error(`Cannot read --text-source file "${spec}": ${(e as Error).message}`);
  }
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) throw new Error(`--text-source file "${spec}" holds no words`);
  return { name: spec, words, order: "ordered" };
}

/**
 * A deterministic word stream over `source`: `take(n)` returns the first n words, and the first n
 * words never change when more are taken later. Prefix-stability is what lets calibration grow
 * or shrink a prompt one word at a time.
 */
export interface WordStream {
  take(n: number): string[];
}

/**
 * Creates the word stream of `source` for `seed`: random order draws with the seed; ordered
 * sources start at word `offset` (default 0) of the file and cycle.
 */
export function wordStream(
  source: TextSource,
  seed: number,
  opts: { offset?: number } = {},
): WordStream {
  const words: string[] = [];
  const rng = createRng(seed);
  const offset = opts.offset ?? 0;
  return {
    take(n) {
      while (words.length < n) {
        words.push(
          source.order === "random"
            ? source.words[rng.int(source.words.length)]
            : source.words[(offset + words.length) % source.words.length],
        );
      }
      return words.slice(0, n);
    },
  };
}
