-- For scripts/bench-http: every request the next path of the file named by WRK_PATHS
-- (distinct URLs, as real traffic is), then the same report line as wrk-report.lua.
local paths = {}
local next_path = 0

init = function(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    paths[#paths + 1] = line
  end
end

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

dofile("scripts/wrk-report.lua")
