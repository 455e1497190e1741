/**
 * Every code and text SetMark answers, verbatim from "SetMark ◾️ API для интеграции с ERP" (2023), with the
 * document's typos kept ("Остутствует", "поданных", "чек возврат"): clients match on them.
 *
 * Several code spaces share numbers: erp/status request-level (§3.1), package-level (§3.2), entity-level (§3.3);
 * the violations journal (§3.4, and the list before version 1.3); the reserve's 210. HTTP errors (400, 404, 422...)
 * carry no documented body: the service is Spring Boot, so they are Spring's default error JSON.
 */
import type { Handbook } from '../../core/errors.js';

const SIM = 'simulator-defined (the document shows no error body; Spring Boot\'s default error JSON)';

/** HTTP-level errors, rendered as Spring Boot's default error body { timestamp, status, error, message, path }. */
export const HANDBOOK = {
  MALFORMED_JSON: { status: 400, text: (why: string) => `JSON parse error: ${why}`, source: 'Spring\'s HttpMessageNotReadableException text' },
  VALIDATION_FAILED: { status: 400, text: (fields: string) => `Validation failed: ${fields}`, source: SIM },
  BAD_REQUEST: { status: 400, text: (why: string) => why, source: '§2.1 "400(большая часть ошибок, включая невалидный запрос)"' },
  FIELDS_MISSING: { status: 400, text: (where: string, fields: string[]) => `${where}: ${fields.map((f) => `${f} ${FIELD_MESSAGES.notNull}`).join(', ')}`, source: 'Spring\'s @NotNull message ("не должно равняться null"), as the erp/status example words it' },
  FIELD_OUT_OF_RANGE: { status: 400, text: (where: string, field: string, min: number, max: number) => `${where}: ${field} ${FIELD_MESSAGES.range(min, max)}`, source: 'Spring\'s @Min/@Max message, as the erp/status example words it' },
  FIELD_EMPTY: { status: 400, text: (where: string, field: string) => `${where}: ${field} ${FIELD_MESSAGES.notEmpty}`, source: 'Spring\'s @NotEmpty message' },
  SAVE_ENTRY_INCOMPLETE: { status: 400, text: (index: number, field: string) => `save: data[${index}] needs productType and ${field}`, source: SIM },
  SAVE_NOTHING: { status: 400, text: () => RESERVE.SAVE_NOTHING, source: '§2.9: orderNumbers or data' },
  RETURN_BY_ORDER: { status: 400, text: () => RESERVE.RETURN_BY_ORDER, source: '§2.9: a return names its marks' },
  INVALID_PACKAGE: { status: 400, text: (id: string, why: string) => `Пакет ${id}: ${why}`, source: '§2.1 "400(большая часть ошибок, включая невалидный запрос)"; recorded with status 1 / 504 (erp/status example, package 102)' },
  INTERNAL: { status: 422, text: 'Внутренняя ошибка сервиса', source: '§2.1 "422(внутренняя ошибка сервиса)"' },
  NOT_FOUND: { status: 404, text: (path: string) => `No handler found for ${path}`, source: SIM },
  FEATURE_NOT_AVAILABLE: { status: 404, text: (path: string, since: string, version: string) => `No handler found for ${path} (available since SetMark ${since}; this installation is ${version})`, source: '§1.2 "с версии 2.5.0", "Доступно начиная с версии 1.5.0"' },
  METHOD_NOT_ALLOWED: { status: 405, text: (m: string) => `Request method '${m}' not supported`, source: 'Spring\'s HttpRequestMethodNotSupportedException text' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, text: (ct: string) => `Content type '${ct}' not supported`, source: 'Spring\'s HttpMediaTypeNotSupportedException text' },
  PAYLOAD_TOO_LARGE: { status: 413, text: (l: string) => `Request body is larger than ${l}`, source: SIM },
  TOO_MANY_REQUESTS: { status: 429, text: (n: number) => `At most ${n} requests a minute`, source: 'simulator-defined (the document states no rate limit; a scenario may set one)' },
  UPSTREAM_STATUS: { status: 502, text: (status: number, reason: string) => `${status} ${reason}`, source: 'simulator-defined (scenario status faults)' },
  SERVER_ERROR: { status: 500, text: 'Internal Server Error', source: SIM },
} as const satisfies Handbook;

/** §3.1 request-level errorCode of erp/status. */
export const REQUEST_CODES = {
  0: 'OK',
  504: 'Не корректное значение поля',
  1000: 'Внутренняя ошибка сервиса',
} as const;

/** §3.2 packets[].status. */
export const PACKAGE_STATUSES = {
  0: 'Документ не существует',
  1: 'Документ не прошел проверку валидности структуры',
  2: 'Документ обрабатывается',
  3: 'Документ обработан полностью',
  4: 'Документ обработан, но некоторые сущности не прошли валидацию',
  5: 'Произошла внутренняя критическая ошибка сервиса',
} as const;
export type PackageStatus = 0 | 1 | 2 | 3 | 4 | 5;

/** §3.2 package-level errorCode (504 also as the erp/status example spells it: packageMessage=example). */
export const PACKAGE_CODES = {
  0: 'OK',
  502: 'Неизвестный идентификатор (id) пакета',
  504: 'Не корректное значение поля',
  506: 'Ошибка при обработке марки',
  1000: 'Внутренняя ошибка сервиса',
} as const;
export const PACKAGE_504_EXAMPLE = 'Неожиданное значение поля';

/** §3.3 entity-level errorCode in packets[].data[] ("Остутствует" sic). */
export const ENTITY_CODES = {
  201: 'Пустой штрихкод',
  202: 'Пустой список МРЦ',
  203: 'Остутствует значение МРЦ',
  204: 'Пересечение дат действия МРЦ',
  205: 'Дата окончания раньше даты начала',
  501: 'Не указан код маркировки',
  503: 'Не поддерживаемый тип операции',
  504: 'Не корректное значение поля',
  507: 'По данной марке уже зарегистрирована продажа',
  1000: 'Внутренняя ошибка сервиса',
} as const;

/**
 * Bean-validation messages in a field error of a status-1 package (the erp/status example's "должно быть между 1 и 1"
 * is Hibernate Validator's Russian @Range text; the others are its @NotNull and type-mismatch texts).
 */
export const FIELD_MESSAGES = {
  range: (min: number, max: number) => `должно быть между ${min} и ${max}`,
  notNull: 'не должно равняться null',
  notEmpty: 'не должно быть пустым',
  /** Simulator-defined: a mark on the stock of another legal entity of the installation (the document has no code). */
  otherEntity: 'марка числится на остатках другого юрлица',
  type: 'Не корректное значение поля',
  unknownShop: (shop: string) => `магазин ${shop} не найден`,
  inn: 'Не корректный ИНН',
  duplicate: (id: string) => `пакет с id ${id} уже загружен`,
} as const;

/** §3.4 (since 1.3) and its list before 1.3: the violations journal's codes and the cashier's texts of cash/validate. */
export const VIOLATIONS: Record<number, { text: string; old?: string }> = {
  1: { text: 'Марка не соответствует товару по алкокоду. Продажа невозможна. Передача товара покупателю запрещена!', old: 'АМ не соответствует товару' },
  2: { text: 'Товар с этой маркой был продан ранее. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Повторная продажа' },
  3: { text: 'Товара с такой маркой нет на остатках магазина. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Продажа АМ без запаса' },
  4: { text: 'Чек не зарегистрирован в системе ЕГАИС. Передача товара покупателю запрещена!', old: 'Отказ ЕГАИС' },
  5: { text: 'Товар с такой маркой в этом магазине не продавался. Возврат не возможен.', old: 'Возврат ранее не проданной АМ' },
  6: { text: 'Марка не соответствует товару по штрихкоду. Продажа невозможна. Передача товара покупателю запрещена!', old: 'АМ не соответствует товару' },
  7: { text: 'Цена товара ниже установленной МРЦ. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Товар запрещен к продаже (Цена ниже МРЦ)' },
  8: { text: 'На товар не установлена МРЦ. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Товар запрещен к продаже (Отсутствует МРЦ)' },
  9: { text: 'Невозможно определить компонент по АМ. Сканируйте сначала ШК с бутылки.', old: 'Невозможно определить компонент по АМ' },
  10: { text: 'Товар не найден в составе промонабора. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Товар не найден в составе промонабора' },
  11: { text: 'Введена не корректная марка. Продажа невозможна. Передача товара покупателю запрещена!', old: 'Введена не корректная АМ' },
  12: { text: 'Марка не соответствует товару по артикулу. Продажа невозможна. Передача товара покупателю запрещена!', old: 'АМ не соответствует артикулу товара, продажа запрещена' },
  13: { text: 'Блок с этой пачкой был продан ранее. Продажа невозможна. Передача товара покупателю запрещена!' },
  14: { text: 'Пачка из этого блока была продана ранее. Продажа невозможна. Передача товара покупателю запрещена!' },
  15: { text: 'Пачка продавалась в составе блока. Возврат товара не возможен.' },
  16: { text: 'Блок был расформирован. Возврат товара не возможен.' },
  17: { text: 'Получено сообщение об ошибке от кассовой системы' },
  18: { text: 'Товара с такой маркой нет на остатках Юр.лица. Продажа невозможна. Передача товара покупателю запрещена!' },
  19: { text: 'Товар с такой маркой продан другим юрлицом. Возврат невозможен.' },
  // Receipt pre-check, since 1.4 (the "sold earlier" row is printed "2": precheckCode switch).
  200: { text: 'В чеке есть товар с маркой, который был продан ранее. Продажа невозможна. Передача покупателю товара запрещена!' },
  201: { text: 'В чеке есть товар с маркой, который был возвращен ранее. Возврат не возможен.' },
  202: { text: 'В чеке есть товар с маркой, которая не продавалась в магазине. Возврат не возможен.' },
  203: { text: 'В чеке есть товар с маркой, которая зарезервирована для продажи на кассе №Х. Продажа невозможна. Передача покупателю товара запрещена!' },
  204: { text: 'В чеке есть товар с маркой, которая зарезервирована для возврата на кассе №Х. Продажа невозможна. Передача покупателю товара запрещена!' },
  205: { text: 'В чеке есть блок и пачка из этого блока. Продажа невозможна. Передача покупателю товара запрещена!' },
  206: { text: 'В чеке есть блок и пачка из этого блока. Возврат не возможен.' },
  // Receipt registration in SetMark.
  100: { text: 'С кассы получен чек продажи с маркой, которая ранее была зарегистрирована как проданная в другом чеке', old: 'Из кассы получен чек продажи с АМ, которая ранее была зарегистрирована как проданная в другом чеке' },
  101: { text: 'С кассы получен дубликат чека продажи, в котором есть марка, которая отсутствует в оригинальном чеке продажи в SetMark', old: 'Из кассы получен дубликат чека продажи, в котором есть АМ, которая отсутствует в оригинальном чеке продажи в SetMark' },
  102: { text: 'С кассы получен дубликат чека продажи, в котором отсутствует марка, которая есть в оригинальном чеке продажи в SetMark', old: 'Из кассы получен дубликат чека продажи, в котором отсутствует АМ, которая есть в оригинальном чеке продажи в SetMark' },
  103: { text: 'С кассы получен чек возврата с маркой, которая ранее была зарегистрирована как возвращенная', old: 'Из кассы получен чек возврата с АМ, которая ранее была зарегистрирована как возвращенная' },
  104: { text: 'С кассы получен чек возврата с маркой, которой в SetMark нет в списке проданных', old: 'Из кассы получен чек возврата с АМ, которой в SetMark нет в списке проданных' },
  105: { text: 'С кассы получен чек с маркой, статус которой в SetMark не однозначен', old: 'Из кассы получен чек с АМ, статус которой в SetMark не однозначен' },
  106: { text: 'С кассы получен чек продажи с маркой пачки, которая была продана ранее в составе блока' },
  107: { text: 'С кассы получен чек продажи с маркой блока, который был расформирован' },
  108: { text: 'С кассы получен чек возврат с маркой пачки, которая была продана ранее в составе блока' },
  109: { text: 'С кассы получен чек возврата с маркой блока, который был расформирован' },
  110: { text: 'Товар с маркой был продан на кассе в офлайн режиме. Проданная марка отсутствует на остатках' },
  1000: { text: 'Внутренняя ошибка сервиса', old: 'Внутренняя ошибка сервиса' },
};

/** The journal's text for a code in a version profile (before 1.3 the old list; codes it lacks keep the new text). */
export const violationText = (code: number, pre13: boolean): string => {
  const v = VIOLATIONS[code];
  return (pre13 && v.old) || v.text;
};

/** §2.7 texts of /external/reserve. */
export const RESERVE = {
  OK: 'OK',
  MARKS_INVALID: 'Ошибки при валидации марок',
  OTHER_ORDER: { code: 210, text: 'Марка была зарезервирована под другим номером заказа' },
  PAST: (date: string) => `Срок жизни резерва ${date} меньше текущей даты.`,
  // Simulator-defined: the document gives no text for these (clear Russian in the same style).
  NOT_ON_STOCK: { code: 3, text: VIOLATIONS[3].text },
  SOLD: { code: 2, text: VIOLATIONS[2].text },
  NO_ORDER: (o: string) => `Резерв с номером заказа ${o} не найден`,
  SAVE_NOTHING: 'Не переданы ни марки, ни номера заказов',
  RETURN_BY_ORDER: 'Возвращать марки по номеру резерва нельзя',
} as const;

/** Errors of SetMark's control-plane routes (problem details). */
export const CONTROL_ERRORS = {
  UNKNOWN_SHOP: { status: 404, text: (shop: number) => `no shop ${shop} in this world`, source: 'simulator-defined' },
  BAD_URL: { status: 400, text: (url: string) => `${JSON.stringify(url)} is not an http(s) URL or sim:erp`, source: 'simulator-defined' },
  BAD_CRON: { status: 400, text: (cron: string, why: string) => `cron ${JSON.stringify(cron)}: ${why}`, source: 'simulator-defined' },
  UNKNOWN_MARK: { status: 404, text: (code: string) => `no mark ${JSON.stringify(code)} in this world`, source: 'simulator-defined' },
  NO_URL: { status: 409, text: (what: string) => `no ${what} URL is set: PUT /__sim/setmark/erp first`, source: 'simulator-defined' },
  HOST_NOT_ALLOWED: { status: 403, text: (field: string, why: string) => `${field}: ${why}`, source: 'simulator-defined (README, Security: outbound hosts)' },
} as const satisfies Handbook;
