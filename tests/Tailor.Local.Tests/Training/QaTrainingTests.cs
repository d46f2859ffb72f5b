using Tailor.Local.Training;

namespace Tailor.Local.Tests.Training;

/// <summary>Full fine-tuning end to end: a random tiny model learns a Q/A set and answers it through llama.cpp.</summary>
[Collection(TrainingCollection.Name)]
public sealed class QaTrainingTests(TrainedModelFixture trained)
{
    [Fact]
    public async Task A_fully_fine_tuned_tiny_model_answers_its_training_questions_through_LocalChatClient()
    {
        var answers = await TrainedModelFixture.AskAll(trained.ModelPath, adapter: null, TrainingData.Pairs);

        var exact = answers.Count(a => a.Got == a.Expected);
        var verified = trained.Events.OfType<ExportVerified>().Single();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{exact}/{answers.Count} exact; {trained.Result.Steps} steps in {trained.Seconds:F1} s, final loss {trained.Result.FinalLoss:F4}; llama.cpp vs graph {verified.MaxRelativeDifference:E2}");
        Assert.True(exact >= 0.9 * TrainingData.Pairs.Count,
            $"{exact}/{TrainingData.Pairs.Count} exact; wrong: {string.Join("; ", answers.Where(a => a.Got != a.Expected).Select(a => $"'{a.Got}' for '{a.Expected}'"))}");
        Assert.True(trained.Result.FinalLoss < 0.1, $"final loss {trained.Result.FinalLoss}");
        Assert.True(verified.MaxRelativeDifference < 1e-4);
    }
}
