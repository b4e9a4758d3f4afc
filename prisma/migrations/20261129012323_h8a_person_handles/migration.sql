-- People carry one map of chat handles keyed by platform instead of a column
-- per platform. Existing Slack and Teams ids are copied into it before the
-- old columns go, so nothing already in the register is lost.
ALTER TABLE "Person" ADD COLUMN "handles" JSONB NOT NULL DEFAULT '{}';

UPDATE "Person" SET "handles" = jsonb_strip_nulls(jsonb_build_object('slack', "slackId", 'teams', "teamsId"));

ALTER TABLE "Person" DROP COLUMN "slackId",
DROP COLUMN "teamsId";
