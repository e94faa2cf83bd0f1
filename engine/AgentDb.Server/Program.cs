Console.WriteLine("agentdb");
