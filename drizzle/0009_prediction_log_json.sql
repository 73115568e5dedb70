ALTER TABLE "prediction_log" ALTER COLUMN "features" SET DATA TYPE json USING "features"::json;--> statement-breakpoint
ALTER TABLE "prediction_log" ALTER COLUMN "output" SET DATA TYPE json USING "output"::json;
