/**
 * Every error the True API simulator returns. The ONLY home of these texts. §2.1 gives the envelope
 * `{"error_message": "..."}` (JSON) and two 401 bodies in XML; the texts below are the document's where it gives
 * one (source names the section), simulator-defined in the document's language where it is silent.
 */
import type { Handbook, HandbookEntry } from '../../core/errors.js';

export interface TrueApiError extends HandbookEntry {
  /** 401s are XML bodies named by their exception, with an `error` code (§2.1). */
  readonly xml?: { readonly exception: string; readonly error: string };
  /** Answered with an empty body (406, §1.3). */
  readonly empty?: true;
  /**
   * Envelopes of other families (§6.3 #16): `shipment` `{errors: [{code, message}]}` (§7.7), `import`
   * `{code, description, errors}` (§7.8–§7.11: the tables say description, the examples errors; both are given).
   */
  readonly family?: 'shipment' | 'import';
}

const SIM = 'simulator-defined (the document is silent)';

export const HANDBOOK = {
  UNAUTHORIZED: { status: 401, xml: { exception: 'UnauthorizedException', error: 'unauthorized' }, text: 'Full authentication is required to access this resource', source: '§2.1 (401, no token)' },
  TOKEN_EXPIRED: { status: 401, xml: { exception: 'InvalidTokenException', error: 'invalid_token' }, text: (token: string) => `Access token expired: ${token}`, source: '§2.1 (401, expired token); a token replaced by a newer one answers the same (observed #16: a new token invalidates the previous one)' },
  TOKEN_INVALID: { status: 401, xml: { exception: 'InvalidTokenException', error: 'invalid_token' }, text: (token: string) => `Invalid access token: ${token}`, source: 'the 401 family of §2.1; text as Spring Security OAuth2 words it (the document shows the expired case only)' },
  MISSING_PARAMETER: { status: 400, text: (name: string) => `Отсутствует обязательный параметр: ${name}`, source: '§2.1 (400), §5.7, §5.8' },
  WRONG_TYPE: { status: 400, text: (name: string, type: string) => `Параметр ${name} требует значение типа ${type}`, source: '§2.1 (400)' },
  BODY_MISSING: { status: 400, text: 'Required request body is missing', source: '§5.5' },
  JSON_PARSE: { status: 400, text: (detail: string) => `JSON parse error: ${detail}`, source: '§5.1, §5.5 (Jackson messages passed through)' },
  INVALID_VALUE: { status: 400, text: (name: string, what: string) => `Некорректное значение параметра ${name}: ${what}`, source: SIM },
  NO_ACCESS: { status: 403, text: 'Отсутствует доступ к ресурсу', source: '§2.1 (403)' },
  NO_CONTRACT: { status: 403, text: 'Отсутствует действующий договор по ТГ', source: '§2.1, §5.1 (403)' },
  PATH_NOT_FOUND: { status: 404, text: 'Метод с указанным URL не найден', source: '§2.1 (404)' },
  METHOD_NOT_ALLOWED: { status: 405, text: (method: string) => `Request method '${method}' not supported`, source: 'Spring MVC text (the service is Spring: Jackson messages, §5.1); the document is silent' },
  NOT_ACCEPTABLE: { status: 406, empty: true, text: '', source: '§1.3 (406 with an empty body)' },
  PAYLOAD_TOO_LARGE: { status: 413, text: 'Слишком большой запрос', source: '§2.1, §2.3 (413 above 30 MB)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, text: (type: string) => `Content type '${type}' not supported`, source: '§2.1 (415, no body shown); Spring MVC text' },
  TOO_MANY_REQUESTS: { status: 429, text: (n: number) => `Превышено допустимое количество запросов: не более ${n} в минуту`, source: 'simulator-defined (the document states no rate limit; a scenario may set one)' },
  INTERNAL: { status: 500, text: 'Ошибка при выполнении запроса', source: '§2.1 (500)' },
  UNAVAILABLE: { status: 503, text: 'Удаленная система недоступна', source: '§2.1 (503)' },
  NO_ANSWER: { status: 504, text: 'Отсутствует ответ системы', source: '§2.1 (504)' },
  UPSTREAM_STATUS: { status: 502, text: (status: number) => `Ошибка при выполнении запроса (${status})`, source: 'simulator-defined (scenario status faults)' },

  AUTH_KEY_UNKNOWN: { status: 400, text: (uuid: string) => `Данные для подписи с идентификатором ${uuid} не найдены или уже использованы: получите новые методом GET /auth/key`, source: SIM },
  AUTH_KEY_EXPIRED: { status: 400, text: (uuid: string) => `Истёк срок действия данных для подписи с идентификатором ${uuid}: получите новые методом GET /auth/key`, source: SIM },
  SIGNATURE_NOT_CMS: { status: 400, text: (why: string) => `Ошибка проверки ЭЦП: данные не являются подписью CMS (PKCS#7) в base64: ${why}`, source: SIM },
  SIGNATURE_DETACHED: { status: 400, text: 'Ошибка проверки ЭЦП: подпись не содержит подписанных данных: нужна подпись с включением данных (attached CMS)', source: SIM },
  SIGNATURE_WRONG_DATA: { status: 400, text: 'Ошибка проверки ЭЦП: подписаны не те данные, что выданы методом GET /auth/key', source: SIM },
  SIGNATURE_FOREIGN_ISSUER: { status: 400, text: (issuer: string) => `Ошибка проверки ЭЦП: сертификат выдан не тестовым удостоверяющим центром симулятора (издатель: ${issuer})`, source: SIM },
  SIGNATURE_FOREIGN_CA: { status: 400, text: 'Ошибка проверки ЭЦП: подпись сертификата не принадлежит тестовому удостоверяющему центру симулятора', source: SIM },
  SIGNATURE_CERT_NOT_VALID: { status: 400, text: (at: string, from: string, to: string) => `Ошибка проверки ЭЦП: сертификат недействителен на ${at} (срок действия ${from} — ${to})`, source: SIM },
  SIGNATURE_MISMATCH: { status: 400, text: 'Ошибка проверки ЭЦП: подпись не соответствует подписанным данным', source: SIM },
  SIGNATURE_ATTACHED: { status: 400, text: 'Ошибка проверки ЭЦП: подпись документа содержит подписанные данные: нужна подпись без включения данных (detached CMS)', source: SIM },
  SIGNATURE_FOREIGN_SIGNER: { status: 400, text: (signer: string, sender: string) => `Ошибка проверки ЭЦП: документ подписан сертификатом участника ${signer}, а отправлен участником ${sender}`, source: SIM },
  SIGNATURE_NO_BIN: { status: 400, text: 'Ошибка проверки ЭЦП: в сертификате подписанта нет БИН (OU=BIN<12 цифр>)', source: SIM },
  INN_INVALID: { status: 400, text: (inn: string) => `Некорректное значение параметра inn: ${inn} не является ИИН/БИН`, source: SIM },
  PARTICIPANT_UNKNOWN: { status: 403, text: (bin: string) => `Участник оборота товаров с ИИН/БИН ${bin} не зарегистрирован в ИС МПТ`, source: SIM },
  PARTICIPANT_NOT_REGISTERED: { status: 403, text: (bin: string) => `Регистрация участника оборота товаров с ИИН/БИН ${bin} не завершена`, source: SIM },

  NO_CODES: { status: 400, text: 'В запросе не указан ни один КМ', source: '§5.5, §5.6 (400)' },
  NO_CONTRACT_LOWER: { status: 403, text: 'отсутствует действующий договор по ТГ', source: '§5.5, §5.6 (403, spelled lower-case there)' },
  CODES_NOT_FOUND: { status: 404, text: 'КМ не найдены', source: '§5.7, §5.8, §5.10 (404)' },
  CODES_NOT_FOUND_LATIN: { status: 404, text: 'KM не найдены', source: '§5.6 (404, with a Latin "KM" as written)' },
  CODE_NOT_FOUND_ITEM: { status: 404, text: 'КМ не найден', source: 'the errorCode/errorMessage of a /cises/info element (§5.5; observed #18: all unknown answers 404 with the per-code list); the text is simulator-defined' },

  CURSOR_INCOMPLETE: { status: 400, text: 'Некорректное значение параметра uit: uit и orderedColumnValue указываются вместе', source: '§5.9 ("each must be used with the other"); text simulator-defined' },
  CURSOR_OUTSIDE: { status: 400, text: (uit: string) => `Некорректное значение параметра uit: ${uit} не входит в выборку`, source: SIM },
  CODE_FORMAT: { status: 400, text: 'Неверный формат КМ', source: '§5.10, §6.2 (400)' },
  GTIN_UNKNOWN: { status: 400, text: 'Неизвестный GTIN', source: '§5.10 (400)' },
  PRODUCT_NOT_FOUND: { status: 404, text: 'Продукт не найден', source: '§6.2 (404)' },
  GTIN_REQUIRED: { status: 400, text: 'GTIN должен быть указан в параметрах запроса', source: '§5.1 (400)' },
  ORDER_NOT_FOUND: { status: 404, text: (uuid: string) => `Заказ с идентификатором ${uuid} не найден`, source: '§5.2, §5.3 (404)' },
  ORDER_RESULT_NOT_READY: { status: 400, text: (uuid: string, status: string) => `Результат заказа с идентификатором ${uuid} недоступен: статус заказа ${status}`, source: 'simulator-defined (§5.3 is silent on a result asked for before SUCCESS or after it expired)' },

  PID_MISSING: { status: 404, text: 'В токене отсутствует свойство pid', source: '§8.2 (404)' },
  NO_ACCOUNT: { status: 404, text: (pid: string) => `В токене указано некорректное значение параметра pid, либо в Системе ИС МПТ нет пользователя с идентификаторами ${pid} нет лицевого счёта в Системе ИС МПТ`, source: '§8.2 (404), verbatim' },
  PRODUCT_GROUP_UNKNOWN: { status: 400, text: (name: string) => `Could not determine product group by name '${name}'`, source: '§6.1 (400)' },
  GTINS_NOT_FOUND: { status: 404, text: 'Not Found', source: '§6.3 (404)' },

  XML_INVALID: { status: 400, text: (detail: string) => `Операция не выполнена. Невалидный формат XML документа: ${detail}`, source: '§7.5, §7.6 (400, verbatim) followed by what is wrong' },
  SIGNATURE_EMPTY: { status: 422, text: 'Ошибка проверки подписи', source: '§7.5 (422, verbatim): an empty signature' },
  SIGNATURE_REFUSED: { status: 422, text: (fileId: string, why: string) => `Ошибка проверки подписи документа ${fileId}: ${why}`, source: '§7.6 (422 names the fileId; the wording is lost) with the reason of the strict profile' },
  DOCUMENT_EXISTS: { status: 400, text: (fileId: string) => `Документ с идентификатором ${fileId} уже зарегистрирован в системе`, source: 'simulator-defined (§7.2, §7.5, §7.6: the document id is its fileId, so a fileId is used once)' },
  DOCUMENT_NOT_FOUND: { status: 404, text: 'Документ с указанным идентификатором не найден', source: '§7.1.5, §7.12.2 (404, verbatim)' },
  SEARCH_DATE: { status: 400, text: (name: string, value: string) => `Параметры для поиска не получены или некорректны: ${name} ${value} не является датой`, source: '§7.1.6 (400, verbatim) followed by what is wrong' },
  SEARCH_PAGINATION: { status: 400, text: (name: string) => `Параметры для поиска не получены или некорректны: pagination.${name} должен быть целым числом не меньше 0`, source: '§7.1.6 (400, verbatim) followed by what is wrong' },
  SEARCH_NOT_FOUND: { status: 404, text: 'Документы с указанными параметрами не найдены', source: '§7.1.6 (404, verbatim)' },
  LIST_CURSOR_INCOMPLETE: { status: 400, text: 'Операция не выполнена. Ошибки в параметрах фильтра: did и orderedColumnValue указываются вместе', source: '§7.12.1 (400, verbatim; orderedColumnValue "only with did") followed by what is wrong' },
  LIST_CURSOR_OUTSIDE: { status: 400, text: (did: string) => `Операция не выполнена. Ошибки в параметрах фильтра: документ ${did} не входит в выборку`, source: '§7.12.1 (400, verbatim) followed by what is wrong' },
  LIST_PG_REQUIRED: { status: 400, text: 'Операция не выполнена. Ошибки в параметрах фильтра: при указании limit необходимо указать товарную группу pg', source: '§7.12.3 (400, verbatim; "при установке параметра limit" pg is required) followed by what is wrong' },
  RECEIPT_NOT_FOUND: { status: 400, text: (id: string) => `Операция не выполнена. Чек с идентификатором ${id} не найден`, source: '§7.12.4 (400 "при неверном идентификаторе чека"); text simulator-defined' },
  RECEIPT_FOREIGN: { status: 403, text: (id: string) => `Чек с идентификатором ${id} принадлежит другому владельцу`, source: '§7.12.4 (403, verbatim)' },

  OUTGOING_NOT_FOUND: { status: 404, text: 'Исходящий документ по идентификатору не найден', source: '§7.1.3 (404, verbatim)' },
  INCOMING_NOT_FOUND: { status: 404, text: 'Входящий документ по идентификатору не найден', source: 'simulator-defined (§7.1.4 shows no text; worded like §7.1.3)' },
  WITHDRAW_EVENT_NOT_FOUND: { status: 404, text: 'Событие по идентификатору не найдено', source: '§7.1.7 (404, verbatim): no withdrawal title was made' },
  INCOMING_EVENT_NOT_FOUND: { status: 404, text: 'Эвент входящего документа не найден', source: '§7.1.8 (404, verbatim): no title of that decision was made' },
  EDO_LIMIT_EXCEEDED: { status: 400, text: (n: number) => `Лимит превышен, запросите не более 10000 документов. Получено значение ${n}`, source: '§7.1.1 (400, verbatim)' },
  EDO_LIMIT_NEGATIVE: { status: 500, text: 'Ошибка при выполнении запроса', source: '§7.1.1 (a negative limit answers 500, as documented; §2.1 text)' },
  EDO_SEARCH_INVALID: { status: 400, text: (what: string) => `Параметры для поиска не получены или некорректны: ${what}`, source: '§7.1.1 (400 "search parameters missing or invalid") followed by what is wrong' },
  RECEIVER_PRE_REGISTERED: { status: 400, text: 'EdoApiServiceProxy#createOutgoingDocumentJsonKzUpd(DocumentWrapperDto): Organisation status PRE_REGISTERED_* incorrect.', source: '§7.3.2 (400, verbatim): the receiver has not completed registration' },
  RECEIVER_UNKNOWN: { status: 400, text: (bin: string) => `Операция не выполнена. Получатель с ИИН/БИН ${bin} не зарегистрирован в ИС МПТ`, source: SIM },
  RELATED_NOT_FOUND: { status: 400, text: (name: string, id: string) => `Операция не выполнена. Документ ${id}, указанный в ${name}, не найден среди документов отправителя`, source: SIM },
  EDO_WRONG_STATUS: { status: 400, text: (id: string, status: number, step: string) => `Операция не выполнена. Документ ${id} находится в статусе ${status}: ${step} невозможно`, source: 'simulator-defined (§7.1.9–§7.1.12: 400)' },
  TITLE_NOT_MADE: { status: 400, text: (id: string, decision: string) => `Операция не выполнена. Титул ${decision} документа ${id} не сформирован: сначала получите его методом POST …/events/${decision}`, source: 'simulator-defined (§7.1.10, §7.1.12: 400)' },
  CODES_CHANGED: { status: 400, text: (id: string, errors: string) => `Операция не выполнена. Коды документа ${id} изменились после его регистрации: ${errors}`, source: SIM },

  SHIPMENT_EMPTY: { status: 422, family: 'shipment', text: (name: string) => `Поле ${name} не заполнено`, source: '§7.7.1 (422 for an empty document or signature); text simulator-defined' },
  SHIPMENT_PATH_INVALID: { status: 400, family: 'shipment', text: (why: string) => `Некорректный запрос: ${why}`, source: 'simulator-defined (§7.7: the family\'s 400 envelope for a request it cannot read)' },
  IMPORT_PATH_INVALID: { status: 400, family: 'import', text: (why: string) => `Некорректный запрос: ${why}`, source: 'simulator-defined (§7.8–§7.11: the family\'s 400 envelope for a request it cannot read)' },
  SHIPMENT_SCHEMA: { status: 400, family: 'shipment', text: (details: string) => `Документ не прошел валидацию по схеме: [${details}]`, source: '§7.7.1 (verbatim, with the details)' },
  SHIPMENT_SIGNATURE: { status: 422, family: 'shipment', text: (why: string) => `Ошибка проверки подписи: ${why}`, source: 'simulator-defined (§7.7.1: 422 for the signature)' },
  SHIPMENT_NOT_FOUND: { status: 400, family: 'shipment', text: (id: string) => `Отгрузка с идентификатором ${id} не найдена`, source: '§7.7.2 (400 when the shipmentId is not found); text simulator-defined' },
  IMPORT_INVALID: { status: 422, family: 'import', text: (details: string) => `Документ не прошел первичную валидацию: ${details}`, source: '§7.8.1, §7.10.1 ({"code": "422", ...}); text simulator-defined' },
  IMPORT_NOT_FOUND: { status: 400, family: 'import', text: (id: string) => `Документ не найден. id=${id}`, source: '§7.11.1 ({"code": "400", "description": " . id=<id>"}: the words are lost, the id kept)' },
  IMPORT_NOT_WAITING: { status: 422, family: 'import', text: (id: string, status: string) => `Отгрузка ${id} в статусе ${status} не ожидает приёмки`, source: SIM },
} as const satisfies Record<string, TrueApiError>;

/**
 * Errors a document gets in processing (CHECKED_NOT_OK): listed in `errors` and joined with commas in
 * `downloadDesc` (§7.12.1's example), never an HTTP status.
 */
export const DOCUMENT_ERRORS = {
  STATUS_MISMATCH: { text: (status: number, cis: string) => `Статус ${status} Кода Маркировки с номером ${cis} не соответствует выполняемой операции`, source: '§7.12.1 (verbatim; the status by its §9.3 id)' },
  CODE_UNKNOWN: { text: (cis: string) => `Код Маркировки с номером ${cis} не найден`, source: SIM },
  CODE_TWICE: { text: (cis: string) => `Код Маркировки с номером ${cis} указан в документе более одного раза`, source: SIM },
  NOT_OWNER: { text: (bin: string, cis: string) => `Участник ${bin} не является собственником Кода Маркировки с номером ${cis}`, source: SIM },
  NO_CONTRACT: { text: (pg: string, cis: string) => `Отсутствует действующий договор по ТГ ${pg} для Кода Маркировки с номером ${cis}`, source: '§2.1 (403 text) applied to one code' },
  COUNT_MISMATCH: { text: (count: number, cis: string, units: number) => `Количество потребительских упаковок ${count} Кода Маркировки с номером ${cis} не соответствует фактическому (${units})`, source: SIM },
  TOTALS_MISMATCH: { text: (gtin: string, declared: number, actual: number) => `Итоги productTotals по GTIN ${gtin} (${declared}) не соответствуют количеству потребительских упаковок в документе (${actual})`, source: 'simulator-defined (§7.3.2, change 2.14: the totals are validated)' },
  CHANGED_SINCE: { text: (cis: string, docId: string) => `Код Маркировки с номером ${cis} изменён документом ${docId} после этого документа`, source: SIM },
  PARTICIPANT_MISMATCH: { text: (inDocument: string, sender: string) => `ИИН/БИН ${inDocument} в документе не совпадает с ИИН/БИН отправителя ${sender}`, source: SIM },
} as const satisfies Record<string, { text: (...args: never[]) => string; source: string }>;

/**
 * Errors a shipment gets in processing (§7.7.2 `errors[{errorCode, errorMessage}]`, §7.11.1 `documentErrors`), never
 * an HTTP status. The numbers 301/303/307 appear in the document's examples with their table lost: the meaning of each
 * number here is the simulator's.
 */
export const SHIPMENT_ERRORS = {
  UNKNOWN: (cis: string) => ({ errorCode: '301', errorMessage: `301: КИ ${cis} не найден` }),
  NOT_OWNER: (cis: string, bin: string) => ({ errorCode: '303', errorMessage: `303: КИ ${cis} не принадлежит участнику ${bin}` }),
  STATUS: (cis: string, status: string) => ({ errorCode: '305', errorMessage: `305: КИ ${cis} в статусе ${status} не может быть отгружен` }),
  GROUP: (cis: string, pg: string) => ({ errorCode: '307', errorMessage: `307: КИ ${cis} товарной группы ${pg}: экспорт с признанием доступен только для shoes` }),
  /** An acceptance's accepted code that fails the import checks: the document error, numbered as the import family's. */
  IMPORT: (text: string) => ({ errorCode: '30', errorMessage: text }),
} as const;

/** Errors of True API's control-plane routes (rendered as the control plane's problem details). */
export const CONTROL_ERRORS = {
  BIN_INVALID: { status: 400, text: (bin: string) => `${JSON.stringify(bin)} is not a valid IIN/BIN (12 digits with the Kazakh check digit)`, source: 'simulator-defined' },
  UNKNOWN_PARTICIPANT: { status: 404, text: (bin: string) => `no participant with IIN/BIN ${bin} in this world`, source: 'simulator-defined' },
  PRICES_MISMATCH: { status: 400, text: (prices: number, codes: number) => `prices has ${prices} items for ${codes} codes: one price per code`, source: 'simulator-defined' },
  DATE_INVALID: { status: 400, text: (v: string) => `${JSON.stringify(v)} is not a date-time`, source: 'simulator-defined' },
  UNKNOWN_CODE: { status: 404, text: (code: string) => `no code ${JSON.stringify(code)} in this world's registry`, source: 'simulator-defined' },
} as const satisfies Handbook;
