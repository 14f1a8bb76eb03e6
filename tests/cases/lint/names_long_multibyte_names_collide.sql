-- case: PostgreSQL counts bytes, not characters: 62 characters of French are 70 bytes, cut to 63
-- expect: naming-and-identifiers info line 5
-- expect: naming-and-identifiers info line 6
-- runs: fails 42P07
CREATE TABLE "événements_récurrents_à_envoyer_aux_abonnés_étrangers_été_2023" (id bigint);
CREATE TABLE "événements_récurrents_à_envoyer_aux_abonnés_étrangers_été_2024" (id bigint);
