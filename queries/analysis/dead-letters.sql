-- Messages that broke the contract, per reason.
SELECT reason, count(*) AS messages
FROM dead_letters
GROUP BY reason
ORDER BY messages DESC, reason
