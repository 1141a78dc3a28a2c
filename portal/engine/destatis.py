"""The 3-digit keys of the Statistisches Bundesamt's "Staats- und Gebietssystematik", for a
`country` field with `"codes": "destatis"`: what receivers that speak the German XÖV standards
(XMeld, XAusländer, XDatenfelder's field F60000236 "Staatsangehörigkeit") expect.

Source: two codelists of XRepository, both version 2021-02-19:

- urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit (nationalities:
  the states, Hong Kong, Macao, the Palestinian territories and Taiwan, keys of states that
  no longer exist, and 997 staatenlos, 998 ungeklärt, 999 ohne Angabe);
- urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat (states: the same keys for the
  same states, without the territories and old states, with the Cook Islands and Niue).

The key and the German name are the codelists'. The ISO 3166-1 alpha-2 code beside each key
is ours: matched to the German territory names of the Unicode CLDR (Babel), and where CLDR
names a state differently, resolved by hand (Moldau = MD, Russische Föderation = RU,
Weißrussland = BY, Kongo = CG, Kongo, Demokratische Republik = CD, Korea, Republik = KR,
Korea, Demokratische Volksrepublik = KP, Palästinensische Gebiete = PS, Hongkong = HK,
Macau = MO). A key without a current ISO code ("--") is never offered or stored by a form:
Jugoslawien, Serbien und Montenegro, Serbien (einschließlich Kosovo), Sowjetunion,
Tschechoslowakei, Sudan (einschließlich Südsudan), the British overseas territories taken
together (185), the key for internal purposes (910), and 997 to 999, which the `country`
type offers as its own answers.
"""

from __future__ import annotations

from .countries import EU, EU_EEA

VERSION = "2021-02-19"
NATIONALITY_URN = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit"
STATE_URN = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat"
#: The nationality codelist's keys for a person without a nationality and one not known.
STATELESS = "997"
UNDETERMINED = "998"

#: key, ISO 3166-1 alpha-2 code ("--": none), the codelists' German name
_TABLE = """
000 DE Deutschland
120 -- Jugoslawien
121 AL Albanien
122 BA Bosnien und Herzegowina
123 AD Andorra
124 BE Belgien
125 BG Bulgarien
126 DK Dänemark
127 EE Estland
128 FI Finnland
129 FR Frankreich
130 HR Kroatien
131 SI Slowenien
132 -- Serbien und Montenegro
133 -- Serbien (einschließlich Kosovo)
134 GR Griechenland
135 IE Irland
136 IS Island
137 IT Italien
138 -- Jugoslawien, Bundesrepublik
139 LV Lettland
140 ME Montenegro
141 LI Liechtenstein
142 LT Litauen
143 LU Luxemburg
144 MK Nordmazedonien
145 MT Malta
146 MD Moldau
147 MC Monaco
148 NL Niederlande
149 NO Norwegen
150 XK Kosovo
151 AT Österreich
152 PL Polen
153 PT Portugal
154 RO Rumänien
155 SK Slowakei
156 SM San Marino
157 SE Schweden
158 CH Schweiz
159 -- Sowjetunion
160 RU Russische Föderation
161 ES Spanien
162 -- Tschechoslowakei
163 TR Türkei
164 CZ Tschechien
165 HU Ungarn
166 UA Ukraine
167 VA Vatikanstadt
168 GB Vereinigtes Königreich
169 BY Weißrussland
170 RS Serbien
181 CY Zypern
185 -- Britische Überseegebiete
221 DZ Algerien
223 AO Angola
224 ER Eritrea
225 ET Äthiopien
226 LS Lesotho
227 BW Botsuana
229 BJ Benin
230 DJ Dschibuti
231 CI Côte d’Ivoire
232 NG Nigeria
233 ZW Simbabwe
236 GA Gabun
237 GM Gambia
238 GH Ghana
239 MR Mauretanien
242 CV Cabo Verde
243 KE Kenia
244 KM Komoren
245 CG Kongo
246 CD Kongo, Demokratische Republik
247 LR Liberia
248 LY Libyen
249 MG Madagaskar
251 ML Mali
252 MA Marokko
253 MU Mauritius
254 MZ Mosambik
255 NE Niger
256 MW Malawi
257 ZM Sambia
258 BF Burkina Faso
259 GW Guinea-Bissau
261 GN Guinea
262 CM Kamerun
263 ZA Südafrika
265 RW Ruanda
267 NA Namibia
268 ST São Tomé und Príncipe
269 SN Senegal
271 SC Seychellen
272 SL Sierra Leone
273 SO Somalia
274 GQ Äquatorialguinea
276 -- Sudan (einschließlich Südsudan)
277 SD Sudan
278 SS Südsudan
281 SZ Eswatini
282 TZ Tansania
283 TG Togo
284 TD Tschad
285 TN Tunesien
286 UG Uganda
287 EG Ägypten
289 CF Zentralafrikanische Republik
291 BI Burundi
320 AG Antigua und Barbuda
322 BB Barbados
323 AR Argentinien
324 BS Bahamas
326 BO Bolivien
327 BR Brasilien
328 GY Guyana
330 BZ Belize
332 CL Chile
333 DM Dominica
334 CR Costa Rica
335 DO Dominikanische Republik
336 EC Ecuador
337 SV El Salvador
340 GD Grenada
345 GT Guatemala
346 HT Haiti
347 HN Honduras
348 CA Kanada
349 CO Kolumbien
351 CU Kuba
353 MX Mexiko
354 NI Nicaragua
355 JM Jamaika
357 PA Panama
359 PY Paraguay
361 PE Peru
364 SR Suriname
365 UY Uruguay
366 LC St. Lucia
367 VE Venezuela
368 US Vereinigte Staaten
369 VC St. Vincent und die Grenadinen
370 KN St. Kitts und Nevis
371 TT Trinidad und Tobago
411 HK Hongkong
412 MO Macau
421 YE Jemen
422 AM Armenien
423 AF Afghanistan
424 BH Bahrain
425 AZ Aserbaidschan
426 BT Bhutan
427 MM Myanmar
429 BN Brunei Darussalam
430 GE Georgien
431 LK Sri Lanka
432 VN Vietnam
434 KP Korea, Demokratische Volksrepublik
436 IN Indien
437 ID Indonesien
438 IQ Irak
439 IR Iran
441 IL Israel
442 JP Japan
444 KZ Kasachstan
445 JO Jordanien
446 KH Kambodscha
447 QA Katar
448 KW Kuwait
449 LA Laos
450 KG Kirgisistan
451 LB Libanon
454 MV Malediven
456 OM Oman
457 MN Mongolei
458 NP Nepal
459 PS Palästinensische Gebiete
460 BD Bangladesch
461 PK Pakistan
462 PH Philippinen
465 TW Taiwan
467 KR Korea, Republik
469 AE Vereinigte Arabische Emirate
470 TJ Tadschikistan
471 TM Turkmenistan
472 SA Saudi-Arabien
474 SG Singapur
475 SY Syrien
476 TH Thailand
477 UZ Usbekistan
479 CN China
482 MY Malaysia
483 TL Timor-Leste
523 AU Australien
524 SB Salomonen
526 FJ Fidschi
527 CK Cookinseln
530 KI Kiribati
531 NR Nauru
532 VU Vanuatu
533 NU Niue
536 NZ Neuseeland
537 PW Palau
538 PG Papua-Neuguinea
540 TV Tuvalu
541 TO Tonga
543 WS Samoa
544 MH Marshallinseln
545 FM Mikronesien
910 -- für interne Zwecke verwendet
997 -- staatenlos
998 -- ungeklärt
999 -- ohne Angabe (Staatsangehörigkeit)
"""

#: Keys of the nationality codelist that the state codelist does not have (territories).
_NOT_STATES = frozenset({"411", "412", "459", "465"})
#: Keys of the state codelist that the nationality codelist does not have.
_NOT_NATIONALITIES = frozenset({"527", "533"})

_ROWS = [line.split(" ", 2) for line in _TABLE.strip().splitlines()]
#: key -> the codelists' German name, for every key of either codelist.
NAMES: dict[str, str] = {key: name for key, _, name in _ROWS}
#: ISO code -> key, for every country that has one.
KEYS: dict[str, str] = {iso: key for key, iso, _ in _ROWS if iso != "--"}
#: key -> ISO code: the way back.
ISO: dict[str, str] = {key: iso for iso, key in KEYS.items()}
#: ISO codes with a key in the nationality codelist, and in the state codelist.
NATIONALITIES = frozenset(iso for iso, key in KEYS.items() if key not in _NOT_NATIONALITIES)
STATES = frozenset(iso for iso, key in KEYS.items() if key not in _NOT_STATES)
#: The keys of the member states of the EU, and of the EEA.
EU_KEYS = frozenset(KEYS[iso] for iso in EU)
EU_EEA_KEYS = frozenset(KEYS[iso] for iso in EU_EEA)
