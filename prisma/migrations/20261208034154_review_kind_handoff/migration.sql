-- AlterEnum
ALTER TYPE "review_kind" ADD VALUE 'handoff';
